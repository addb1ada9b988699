using Akka.Actor;
using Akka.Hosting;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Host;
using DirectLB.Host.Hosting;
using DirectLB.KubeApiServer;
using DirectLB.Providers;
using DirectLB.Providers.Simulated;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>
/// DirectLB's real host, composed by <see cref="DirectLbHost"/> from command-line arguments as in production,
/// watching a Kubernetes API test server. Only the provider instance is handed in, so tests can look into
/// the simulated cloud; it outlives the host, as a real cloud outlives a controller restart.
/// </summary>
public sealed class DirectLbUnderTest : IAsyncDisposable
{
    private readonly WebApplication _host;

    private DirectLbUnderTest(WebApplication host) => _host = host;

    /// <summary>Where the HTTP endpoints (health, metrics, status) listen.</summary>
    public Uri BaseAddress => new(_host.Urls.First());

    public IServiceProvider Services => _host.Services;

    /// <summary>Watches one member cluster, "east", the <c>--kubeconfig</c> way.</summary>
    public static Task<DirectLbUnderTest> StartAsync(KubeApiServer.KubeApiServer api, string workDir, SimulatedProvider? cloud, params string[] extraArgs) =>
        StartWithAsync(workDir, cloud, ["--kubeconfig", api.WriteKubeconfig(Path.Combine(workDir, "kubeconfig")), "--cluster-id", "east", .. extraArgs]);

    /// <summary>
    /// Starts with the given member-cluster arguments (<c>--cluster id=path</c>, Secrets, ...). With no
    /// <paramref name="cloud"/>, the provider is the one the arguments name (e.g. <c>--provider http</c>).
    /// <paramref name="services"/> may add to the composed services (e.g. a logger that records), after everything else.
    /// </summary>
    public static async Task<DirectLbUnderTest> StartWithAsync(string workDir, SimulatedProvider? cloud, IEnumerable<string> clusterArgs, Action<IServiceCollection>? services = null)
    {
        string[] args =
        [
            .. clusterArgs,
            "--journal", $"Data Source={Path.Combine(workDir, "journal.db")}",
            "--DirectLB:Reconcile:Debounce=00:00:00.020",
            "--DirectLB:Reconcile:MinBackoff=00:00:00.100",
            "--DirectLB:Reconcile:MaxBackoff=00:00:01",
            "--Serilog:MinimumLevel:Default=Warning",
            "--listen", "http://127.0.0.1:0",
        ];
        var builder = DirectLbHost.CreateBuilder(args);
        if (cloud is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<ILoadBalancerProvider>(cloud));
        }

        services?.Invoke(builder.Services);

        var host = DirectLbHost.Build(builder);
        await host.StartAsync();
        return new DirectLbUnderTest(host);
    }

    public async Task<LoadBalancerStatusReport> StatusAsync(ServiceKey key)
    {
        var region = _host.Services.GetRequiredService<ActorRegistry>().Get<ServiceRegion>();
        return await region.Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(key), TimeSpan.FromSeconds(10));
    }

    public async Task<WatcherStatus> WatcherStatusAsync(string clusterId = "east")
    {
        var watcher = _host.Services.GetRequiredService<WatcherDirectory>().Watchers[clusterId];
        return await watcher.Ask<WatcherStatus>(GetWatcherStatus.Instance, TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
    }
}
