using System.Diagnostics;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// DirectLB as a real process, SIGKILLed in the middle of a rollout and started again on the same journal and
/// HAProxy state directory. HAProxy, left running on purpose (StopOnDispose is off), carries the traffic meanwhile,
/// and the new DirectLB adopts it.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class ProcessRestartTests(ITestOutputHelper output) : TrafficTest
{
    private DirectLbProcess? _directLb;

    public override async Task DisposeAsync()
    {
        if (_directLb is not null)
        {
            output.WriteLine($"last DirectLB process output:\n{_directLb.Output}");
            await _directLb.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task Killing_DirectLB_mid_rollout_and_restarting_it_fails_no_request_and_converges()
    {
        _directLb = DirectLbProcess.Start(World.DirectLbArguments(logLevel: "Information"));
        var port = World.CreateService("web", new Dictionary<string, string> { ["directlb.io/drain-delay"] = "2s" });
        var pods = World.Pods("web", addressBlock: 163);
        pods.MarkReady(pods.Start(4));
        var vip = await World.AddressOfAsync("web");
        await World.HAProxy.MatchesAsync(port, pods); // a new server takes traffic once its first health checks passed
        await using var load = LoadGenerator.Start(vip, port);
        var rollout = new Rollout(pods, World.HAProxy, port, load);
        await rollout.AppliedAsync();
        var haproxy = World.HAProxy.MasterPid();

        var rolling = rollout.RollAsync(maxSurge: 1);
        await Eventually.Until(() => pods.Everyone.Count(p => p.Phase is PodPhase.Terminating or PodPhase.Gone) >= 2, "the second old pod terminating");
        await _directLb.KillAsync();
        var killed = Stopwatch.StartNew();
        output.WriteLine($"DirectLB killed with pods {string.Join(", ", pods.Pods.Select(p => $"{p.Name} {p.Phase}"))}");
        output.WriteLine($"first DirectLB process output:\n{_directLb.Output}");
        await _directLb.DisposeAsync();

        // The rollout goes on without DirectLB, and HAProxy alone keeps answering.
        await load.AnsweredAsync(300, load.Snapshot());
        Assert.Equal(haproxy, World.HAProxy.MasterPid());

        _directLb = DirectLbProcess.Start(World.DirectLbArguments(logLevel: "Information"));
        await rolling;
        await rollout.AppliedAsync();
        output.WriteLine($"rollout finished and HAProxy converged {killed.Elapsed.TotalSeconds:0.0}s after the kill");
        var window = load.Snapshot();
        await load.AnsweredAsync(400, window);
        var afterRestart = load.Snapshot().Since(window);
        var total = await load.StopAsync();
        output.WriteLine($"after the restart, steady: {afterRestart}");
        output.WriteLine($"whole run: {total}");
        foreach (var drain in rollout.Drains)
        {
            output.WriteLine($"  {drain.Pod} out of HAProxy {drain.Duration.TotalSeconds:0.00}s after terminating; while draining {drain.NewConnections} new connections, {drain.Requests} requests");
        }

        Assert.Empty(total.Failures);
        Assert.Equal(haproxy, World.HAProxy.MasterPid()); // adopted, never restarted
        Assert.Equal(
            pods.Ready.Select(p => $"{p.Address}:{p.Port}").Order(),
            (await World.HAProxy.ServersAsync(port)).Select(s => $"{s.Address}:{s.Port}").Order());
        Assert.Equal(pods.Ready.Select(p => p.Name).Order(), afterRestart.NewConnection.Keys.Order());
        Assert.All(pods.Everyone, pod => Assert.Equal(0, pod.RequestsWhile(PodPhase.Starting)));
        Assert.Equal(4, rollout.Drains.Count);
        Assert.All(rollout.Drains, drain => Assert.Equal(0, drain.NewConnections));
    }
}
