using DirectLB.Host.Configuration;
using DirectLB.Providers;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Http;
using DirectLB.Providers.Http.Nodes;
using DirectLB.Providers.Simulated;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Starts the configured load balancer provider before the actor system, since some need to start a process
/// (HAProxy) or ask a remote API for its capabilities (HTTP). Registered first among hosted services, so a
/// provider that cannot start fails the start with its own clear message, before any entity runs.
/// </summary>
public sealed class ProviderBootstrap(DirectLbOptions options, TimeProvider clock, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private ILoadBalancerProvider? _provider;

    public ILoadBalancerProvider Provider =>
        _provider ?? throw new InvalidOperationException("the load balancer provider is used before it started");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ILoadBalancerProvider provider = options.Provider switch
        {
            "simulated" => new SimulatedProvider(options.Simulated, clock),
            "haproxy" => await HAProxyProvider.StartAsync(options.HAProxy, loggers.CreateLogger<HAProxyProvider>(), cancellationToken),
            "http" => await StartHttpAsync(cancellationToken),
            _ => throw new ConfigurationException([$"provider '{options.Provider}' is unknown"]),
        };
        _provider = options.ProviderRateLimit > 0
            ? new RateLimitedProvider(provider, options.ProviderRateLimit, options.ProviderRateBurst)
            : provider;
        loggers.CreateLogger<ProviderBootstrap>().LogInformation(
            "load balancer provider {Provider} started{RateLimit}", _provider.Name, options.ProviderRateLimit > 0 ? $", calls limited to {options.ProviderRateLimit}/s" : "");
    }

    /// <summary>The provider's view of each load balancer node, when it drives several; null otherwise.</summary>
    public ILoadBalancerNodes? Nodes { get; private set; }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One API, or several load balancer nodes that each get every load balancer.</summary>
    private async Task<ILoadBalancerProvider> StartHttpAsync(CancellationToken cancellationToken)
    {
        var endpoints = options.Http.BaseUrls.Select(url => new HttpProviderOptions
        {
            BaseAddress = new Uri(url),
            Timeout = options.Http.Timeout,
            BearerToken = options.Http.BearerToken,
            CaCertificateFile = options.Http.CaCertificate,
        }).ToList();
        if (endpoints.Count == 1)
        {
            return await HttpProvider.CreateAsync(endpoints[0], cancellationToken);
        }

        var nodes = await LoadBalancerNodes.CreateAsync(endpoints, loggers.CreateLogger<LoadBalancerNodes>(), clock, cancellationToken);
        Nodes = nodes;
        return nodes;
    }

    public async ValueTask DisposeAsync()
    {
        switch (_provider)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
