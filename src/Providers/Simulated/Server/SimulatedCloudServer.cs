using DirectLB.Providers.Http.Server;

namespace DirectLB.Providers.Simulated.Server;

/// <summary>
/// A simulated cloud load balancer API over real HTTP: the REST contract of the Http provider, served from a
/// <see cref="SimulatedProvider"/>. Several DirectLB replicas pointed at one server share one simulated cloud.
/// </summary>
public sealed class SimulatedCloudServer : IAsyncDisposable
{
    private readonly ContractServer _server;

    private SimulatedCloudServer(ContractServer server, SimulatedProvider provider)
    {
        _server = server;
        Provider = provider;
    }

    /// <summary>The simulated cloud behind the API, to inspect state, count calls or inject faults.</summary>
    public SimulatedProvider Provider { get; }

    /// <summary><c>http://ADDRESS:PORT/</c>, with the port actually bound.</summary>
    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>Every route served, as <c>METHOD /template</c>, e.g. <c>DELETE /v1/loadbalancers/{id}</c>.</summary>
    public IReadOnlyList<string> Routes => _server.Routes;

    public static async Task<SimulatedCloudServer> StartAsync(SimulatedCloudServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SimulatedCloudServerOptions();
        var provider = options.Provider ?? new SimulatedProvider();
        var server = await ContractServer.StartAsync(provider, provider, options, cancellationToken);
        return new SimulatedCloudServer(server, provider);
    }

    /// <summary>Stops listening; requests in progress finish first. Calling it again does nothing.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
