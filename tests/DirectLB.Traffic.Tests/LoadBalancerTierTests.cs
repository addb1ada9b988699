using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Store;
using DirectLB.Tests.Shared.Replicas;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// The production shape with real processes: three DirectLB replicas on PostgreSQL drive two load balancer nodes, each
/// an lb-agent with its own HAProxy reached at its own loopback addresses (<c>--bind-pool</c>), both serving every VIP.
/// Pods scale and roll while a load generator sends through each node; meanwhile the replica owning the Service is
/// SIGKILLed and one node's agent is killed and started again.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class LoadBalancerTierTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Apart from the other traffic tests' pools and pods (127.0.102-106, 160-175) and the HAProxy tests' (50-149).
    private const string VipPool = "127.0.153.0/24";
    private static readonly (string Name, string BindPool)[] Nodes = [("lb-1", "127.0.154.0/24"), ("lb-2", "127.0.155.0/24")];
    private static readonly LoadOptions PerNode = new() { NewConnectionLoops = 2, KeepAliveLoops = 1, MaxDuration = TimeSpan.FromMinutes(6) };

    private static readonly string WebKey = $"{KubeObjects.Namespace}/web";

    private readonly List<AgentProcess> _agents = [];
    private ReplicaEnvironment? _environment;
    private PodSet? _pods;

    public async Task InitializeAsync()
    {
        foreach (var (name, bindPool) in Nodes)
        {
            _agents.Add(AgentProcess.Start(name, VipPool, FreePort.Next(), "--bind-pool", bindPool));
        }

        foreach (var agent in _agents)
        {
            await Eventually.Until(agent.IsReadyAsync, $"{agent.Name} is ready", TimeSpan.FromSeconds(60));
        }

        _environment = await ReplicaEnvironment.StartAsync(
            new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500), Store = new ObjectStore(new ObjectStoreOptions { LoopbackEndpoints = true }) },
            string.Join(',', _agents.Select(a => $"http://127.0.0.1:{a.Port}/")),
            [
                "--DirectLB:Cluster:StableAfter=00:00:05",
                "--DirectLB:Reconcile:Debounce=00:00:00.050",
                "--DirectLB:Reconcile:MinBackoff=00:00:00.200",
                "--DirectLB:Reconcile:MaxBackoff=00:00:02",
            ]);
        await _environment.StartClusterAsync(3, TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        if (_environment is not null)
        {
            foreach (var replica in _environment.Replicas)
            {
                output.WriteLine(replica.Tail(25));
            }

            await _environment.DisposeAsync();
        }

        if (_pods is not null)
        {
            await _pods.DisposeAsync();
        }

        foreach (var agent in _agents)
        {
            output.WriteLine($"--- {agent.Name} ---\n{string.Join('\n', agent.Output.Split('\n').TakeLast(25))}");
            await agent.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_node_serves_every_pod_equally_and_the_surviving_node_fails_no_request_while_a_replica_and_a_node_die()
    {
        var environment = _environment!;
        var port = TrafficWorld.CreateService(environment.Api.Store, "web", new Dictionary<string, string> { ["directlb.io/drain-delay"] = "2s" });
        var pods = _pods = new PodSet(environment.Api.Store, "web", addressBlock: 178);
        pods.MarkReady(pods.Start(4));
        var vip = await TrafficWorld.AddressOfAsync(environment.Api.Store, "web");
        var (left, right) = (_agents[0], _agents[1]);
        var (leftHAProxy, rightHAProxy) = (new HAProxyState(left.StateDirectory), new HAProxyState(right.StateDirectory));
        // A new server takes traffic once its first health checks passed: the load starts when both nodes serve.
        await leftHAProxy.MatchesAsync(port, pods, TimeSpan.FromSeconds(60));
        await rightHAProxy.MatchesAsync(port, pods, TimeSpan.FromSeconds(60));
        await using var throughLeft = LoadGenerator.Start(OnNode(vip, 0), port, PerNode);
        await using var throughRight = LoadGenerator.Start(OnNode(vip, 1), port, PerNode);
        var rollout = new Rollout(pods, leftHAProxy, port, throughLeft);
        await rollout.AppliedAsync();
        await rightHAProxy.MatchesAsync(port, pods, TimeSpan.FromSeconds(60));

        await rollout.ScaleUpAsync(2);
        await rightHAProxy.MatchesAsync(port, pods, TimeSpan.FromSeconds(60));
        var owner = await OwnerAsync(environment.Replicas);

        var rolling = rollout.RollAsync(maxSurge: 2);
        await Eventually.Until(() => pods.Everyone.Count(p => p.Phase is PodPhase.Terminating or PodPhase.Gone) >= 2, "the first old pods terminating");
        owner.Kill();
        await right.KillAsync();
        output.WriteLine($"{owner.Name} (owning web) and {right.Name}'s agent killed with pods {string.Join(", ", pods.Pods.Select(p => $"{p.Name} {p.Phase}"))}");
        await throughLeft.AnsweredAsync(300, throughLeft.Snapshot());
        await right.RestartAsync();
        await rolling;
        await rollout.AppliedAsync();
        await rightHAProxy.MatchesAsync(port, pods, TimeSpan.FromSeconds(90));
        var newOwner = await OwnerAsync(environment.Replicas.Where(r => r != owner));

        var leftWindow = await TrafficWindows.SteadyAsync(throughLeft, pods, 1200, output, $" through {left.Name}");
        var rightWindow = await TrafficWindows.SteadyAsync(throughRight, pods, 1200, output, $" through {right.Name}");
        var (leftTotal, rightTotal) = (await throughLeft.StopAsync(), await throughRight.StopAsync());
        output.WriteLine($"whole run through {left.Name}: {leftTotal}");
        output.WriteLine($"whole run through {right.Name} (its agent killed and restarted): {rightTotal}");
        var copies = (await newOwner.OwnedServicesAsync()).Single(s => s.Key.StartsWith(WebKey, StringComparison.Ordinal)).Nodes;
        output.WriteLine($"web moved from {owner.Name} to {newOwner.Name}; nodes: {string.Join(", ", copies?.Select(n => $"{n.Node} {n.State}") ?? [])}");

        Assert.Empty(leftTotal.Failures);
        Assert.Empty(rightWindow.Failures);
        TrafficWindows.AssertEqualShares(leftWindow, 6);
        TrafficWindows.AssertEqualShares(rightWindow, 6);
        Assert.Equal(6, pods.Ready.Count);
        Assert.All(pods.Everyone, pod => Assert.Equal(0, pod.RequestsWhile(PodPhase.Starting)));
        Assert.Equal(_agents.Select(a => $"127.0.0.1:{a.Port}"), copies!.Select(n => n.Node));
        Assert.All(copies!, node => Assert.Equal("in-sync", node.State));
    }

    /// <summary>Where a node serves <paramref name="vip"/>: the same place in its bind pool (both /24).</summary>
    private static string OnNode(string vip, int node) => $"{string.Join('.', Nodes[node].BindPool.Split('.').Take(3))}.{vip.Split('.')[3]}";

    /// <summary>The replica whose status API lists the Service <c>web</c>.</summary>
    private static async Task<Replica> OwnerAsync(IEnumerable<Replica> replicas)
    {
        Replica? owner = null;
        await Eventually.Until(
            async () =>
            {
                foreach (var replica in replicas)
                {
                    if ((await replica.OwnedServicesAsync()).Any(s => s.Key.StartsWith(WebKey, StringComparison.Ordinal) && s.InSync))
                    {
                        owner = replica;
                        return true;
                    }
                }

                return false;
            },
            "a replica owns web and has it in sync",
            TimeSpan.FromSeconds(90));
        return owner!;
    }
}
