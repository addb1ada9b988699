using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>What a user sees when HAProxy is missing at start, or refuses a runtime API command later.</summary>
[Trait("Category", "Traffic")]
public sealed class HAProxyFailureTests(ITestOutputHelper output) : TrafficTest
{
    [Fact]
    public async Task Without_haproxy_DirectLB_exits_at_start_naming_the_package_to_install()
    {
        var (exitCode, printed) = await DirectLbProcess.RunToExitAsync(
            World.DirectLbArguments(extra: "--DirectLB:HAProxy:BinaryPath=/nonexistent/haproxy"),
            TimeSpan.FromSeconds(60));
        output.WriteLine(printed);

        Assert.Equal(2, exitCode);
        Assert.Contains("directlb: cannot start:", printed);
        Assert.Contains("apt-get install haproxy", printed);
    }

    [Fact]
    public async Task A_refused_server_command_is_retried_logged_with_the_command_and_reported_in_an_Event_until_HAProxy_takes_it()
    {
        await using var directLb = DirectLbProcess.Start(World.DirectLbArguments(logLevel: "Information"));
        try
        {
            await RefusedThenTakenAsync(directLb);
        }
        finally
        {
            output.WriteLine(directLb.Output); // what DirectLB said, also when a step timed out
        }
    }

    private async Task RefusedThenTakenAsync(DirectLbProcess directLb)
    {
        var port = World.CreateService("web");
        var pods = World.Pods("web", addressBlock: 166);
        pods.MarkReady(pods.Start(1));
        var vip = await World.AddressOfAsync("web");
        await World.HAProxy.MatchesAsync(port, pods);
        await using var load = LoadGenerator.Start(vip, port);

        await using var failing = new FailingRuntimeApi(World.HAProxy.AdminSocket, command => command.StartsWith("add server ", StringComparison.Ordinal), "Injected: no new servers now.\n");
        var added = pods.Start(1);
        pods.MarkReady(added);
        await Eventually.Until(() => FailureEvents().Count >= 2, "two SyncLoadBalancerFailed Events, one per attempt");
        await load.AnsweredAsync(200, load.Snapshot()); // the first pod keeps serving meanwhile
        await failing.DisposeAsync();

        await World.HAProxy.MatchesAsync(port, pods);
        var healed = load.Snapshot();
        await load.AnsweredAsync(200, healed);
        var afterwards = load.Snapshot().Since(healed);
        var total = await load.StopAsync();
        output.WriteLine($"{failing.Refused} 'add server' commands refused; whole run: {total}");
        output.WriteLine(string.Join('\n', FailureEvents()));

        Assert.Empty(total.Failures);
        Assert.All(FailureEvents(), message => Assert.Contains("refused 'add server be-", message));
        Assert.Contains("Injected: no new servers now.", FailureEvents()[0]);
        var server = $" {added[0].Address}:{added[0].Port} ";
        Assert.Contains(directLb.Output.Split('\n'), line => line.Contains("refused 'add server be-") && line.Contains(server) && line.Contains("; retry 2 in"));
        Assert.Equal(pods.Ready.Select(p => p.Name).Order(), afterwards.NewConnection.Keys.Order());
    }

    private IReadOnlyList<string> FailureEvents() =>
        [.. World.Api.Store.CoreEventsFor(KubeObjects.Namespace, "web", "Service")
            .Where(e => e.Reason == ServiceEventReason.SyncLoadBalancerFailed)
            .Select(e => e.Message)];
}
