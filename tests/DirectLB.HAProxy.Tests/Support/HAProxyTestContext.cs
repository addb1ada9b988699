using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;

namespace DirectLB.HAProxy.Tests.Support;

/// <summary>
/// One test's world: its own short state directory (Unix socket paths are limited to 107 bytes), its
/// backends, and every provider it started, stopped with their HAProxy at the end.
/// </summary>
public sealed class HAProxyTestContext : IAsyncDisposable
{
    private static int _nextBackendBlock;
    private readonly List<HAProxyProvider> _providers = [];
    private readonly List<HttpBackend> _backends = [];
    private readonly int _backendBlock = Interlocked.Increment(ref _nextBackendBlock);
    private int _nextBackend;

    public HAProxyTestContext()
    {
        StateDirectory = Path.Combine(Path.GetTempPath(), "dlb-hx", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(StateDirectory);
    }

    public string StateDirectory { get; }

    public static LoadBalancerOwner Owner(string name = "web") => new("cluster-a", "default", name, $"uid-{name}");

    public HAProxyProviderOptions Options(bool stopOnDispose = true) => new()
    {
        StateDirectory = StateDirectory,
        StopOnDispose = stopOnDispose,
        SupervisionInterval = TimeSpan.FromMilliseconds(200),
    };

    public async Task<HAProxyProvider> StartAsync(HAProxyProviderOptions? options = null)
    {
        var provider = await HAProxyProvider.StartAsync(options ?? Options());
        _providers.Add(provider);
        return provider;
    }

    /// <summary>A backend on its own loopback address, 127.0.50+block.n, so tests never share one.</summary>
    public HttpBackend Backend(bool expectProxyV2 = false)
    {
        var backend = new HttpBackend($"127.0.{50 + _backendBlock % 100}.{++_nextBackend}", expectProxyV2);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>A port free on loopback now; HAProxy binds it on the VIP moments later.</summary>
    public static int FreePort() => DirectLB.Tests.Shared.Replicas.FreePort.Next();

    public static TargetSpec Serving(HttpBackend backend, int weight = 1) =>
        new(new TargetKey(backend.Address, backend.Port), weight, TargetState.Serving, "cluster-a");

    public static TargetSpec Draining(HttpBackend backend, int weight = 1) => Serving(backend, weight) with { State = TargetState.Draining };

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        // A provider that left HAProxy running (to test adoption) is stopped here through a throwaway one.
        if (File.Exists(Path.Combine(StateDirectory, "haproxy.pid")))
        {
            await using var cleanup = await HAProxyProvider.StartAsync(Options(stopOnDispose: true));
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        Directory.Delete(StateDirectory, recursive: true);
    }
}
