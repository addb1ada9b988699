using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;

namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>One API test server, one simulated cloud, a work directory for the journal; per test.</summary>
public abstract class EndToEndTest : IAsyncLifetime
{
    protected KubeApiServer.KubeApiServer Api { get; set; } = null!;

    protected SimulatedProvider Cloud { get; } = new();

    protected string WorkDir { get; } = Directory.CreateTempSubdirectory("directlb-e2e-").FullName;

    protected DirectLbUnderTest DirectLb { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        Api.Store.EnsureNamespaces(KubeObjects.Namespace);
        DirectLb = await DirectLbUnderTest.StartAsync(Api, WorkDir, Cloud);
    }

    public async Task DisposeAsync()
    {
        await DirectLb.DisposeAsync();
        await Api.DisposeAsync();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp directory is cleaned by the OS.
        }
    }

    /// <summary>The targets of the one load balancer in the cloud, as "ip:port state" strings, sorted.</summary>
    protected string[] CloudTargets() =>
        Cloud.LoadBalancers.SingleOrDefault()?.Listeners.SelectMany(l => l.Targets)
            .OrderBy(t => t.Key)
            .Select(t => t.State == TargetState.Serving ? t.Key.ToString() : $"{t.Key} draining")
            .ToArray() ?? [];

    protected Task TargetsAre(params string[] expected) =>
        Eventually.Assert(() => Assert.Equal(expected, CloudTargets()));
}
