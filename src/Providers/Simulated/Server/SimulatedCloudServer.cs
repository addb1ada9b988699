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

namespace DirectLB.Providers.Simulated.Server;

/// <summary>
/// A simulated cloud load balancer API over real HTTP: the REST contract of the Http provider, served from a
/// <see cref="SimulatedProvider"/>. Several DirectLB replicas pointed at one server share one simulated cloud.
/// </summary>
public sealed class SimulatedCloudServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private SimulatedCloudServer(WebApplication app, SimulatedProvider provider)
    {
        _app = app;
        Provider = provider;
    }

    /// <summary>The simulated cloud behind the API, to inspect state, count calls or inject faults.</summary>
    public SimulatedProvider Provider { get; }

    /// <summary><c>http://ADDRESS:PORT/</c>, with the port actually bound.</summary>
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

    public static async Task<SimulatedCloudServer> StartAsync(SimulatedCloudServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SimulatedCloudServerOptions();
        if (!IPEndPoint.TryParse(options.Listen, out var endpoint))
        {
            throw new ArgumentException($"listen address '{options.Listen}' is not an IP endpoint such as 127.0.0.1:8080", nameof(options));
        }

        var provider = options.Provider ?? new SimulatedProvider();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        var app = builder.Build();
        if (options.BearerToken is { } token)
        {
            app.UseMiddleware<BearerTokenMiddleware>(token);
        }

        app.UseMiddleware<IdempotencyMiddleware>(
            new IdempotencyStore(options.IdempotencyKeyLifetime, options.IdempotencyKeyCapacity, TimeProvider.System));
        new CloudApiEndpoints(provider).Map(app);

        var server = new SimulatedCloudServer(app, provider);
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
}
