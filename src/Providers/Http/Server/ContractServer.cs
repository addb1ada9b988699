using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.Http.Server;

/// <summary>
/// DirectLB's load balancer REST contract (openapi.yaml) served over real HTTP from any provider that holds its own
/// load balancers: the simulated cloud (<c>simulate-cloud</c>) and a load balancer node's HAProxy (<c>lb-agent</c>).
/// Bearer token, idempotency keys and request validation are the same for both.
/// </summary>
public sealed class ContractServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private ContractServer(WebApplication app) => _app = app;

    /// <summary><c>http://ADDRESS:PORT/</c> (or <c>https://</c>), with the port actually bound.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every route served, as <c>METHOD /template</c>, e.g. <c>DELETE /v1/loadbalancers/{id}</c>.</summary>
    public IReadOnlyList<string> Routes =>
    [
        .. ((IEndpointRouteBuilder)_app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => $"{method} {endpoint.RoutePattern.RawText}")),
    ];

    /// <exception cref="ArgumentException">The listen address is not an IP endpoint.</exception>
    public static async Task<ContractServer> StartAsync(
        ILoadBalancerProvider provider,
        ILoadBalancerCatalog catalog,
        ContractServerOptions options,
        CancellationToken cancellationToken = default)
    {
        if (!IPEndPoint.TryParse(options.Listen, out var endpoint))
        {
            throw new ArgumentException($"listen address '{options.Listen}' is not an IP endpoint such as 127.0.0.1:8080", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen =>
        {
            if (options.Certificate is { } certificate)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        options.Compose?.Invoke(app);
        app.UseWhen(IsContract, contract =>
        {
            if (options.BearerToken is { } token)
            {
                contract.UseMiddleware<BearerTokenMiddleware>(token);
            }

            contract.UseMiddleware<IdempotencyMiddleware>(
                new IdempotencyStore(options.IdempotencyKeyLifetime, options.IdempotencyKeyCapacity, TimeProvider.System));
        });
        new ContractEndpoints(provider, catalog).Map(app);

        var server = new ContractServer(app);
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseAddress = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        return server;
    }

    /// <summary>Stops listening; requests in progress finish first. Calling it again does nothing.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private static bool IsContract(HttpContext context) => context.Request.Path.StartsWithSegments("/v1");
}
