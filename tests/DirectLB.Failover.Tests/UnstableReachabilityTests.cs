using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote;
using Akka.Remote.Transport;
using DirectLB.Actors.Kubernetes;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Configuration;
using DirectLB.Host.Hosting;
using DirectLB.Host.Web;
using Xunit;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DirectLB.Failover.Tests;

/// <summary>
/// Reachability that keeps changing, as replicas starved of CPU make it, while one replica stays cut off: three actor
/// systems in this process with DirectLB's downing settings (<see cref="ClusterDowning"/>), on loopback, with Akka's
/// throttler transport adapter, which drops every message between two of them while the test says so. Replica b is cut
/// off throughout; the link between a and c is cut until each sees the other unreachable, then healed until each sees
/// the other again, for 13 s. The resolver waits for <c>stable-after</c> without a change before keep-majority decides,
/// and downs every replica when the changes go on for <c>stable-after</c> + <c>down-all-when-unstable</c> with someone
/// unreachable all along. With the limit Akka derives from <c>stable-after</c> (what DirectLB ran before the setting),
/// the spell stops the whole cluster; with DirectLB's default, a and c ride it out and down b.
/// </summary>
[Trait("Category", "Failover")]
public sealed class UnstableReachabilityTests : IAsyncLifetime
{
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Flapping = TimeSpan.FromSeconds(13);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private readonly List<ActorSystem> _systems = [];
    private readonly ConcurrentQueue<string> _warnings = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task With_the_limit_Akka_derives_from_stable_after_a_spell_of_flapping_reachability_downs_every_replica()
    {
        // Akka's derivation when the limit is not set: three quarters of stable-after, at least 4 s.
        var derived = TimeSpan.FromTicks(Math.Max(StableAfter.Ticks * 3 / 4, TimeSpan.FromSeconds(4).Ticks));
        var (a, b, c) = await StartAsync(derived);

        await FlapAsync(a, b, c);

        await Eventually.Until(() => a.WhenTerminated.IsCompleted && c.WhenTerminated.IsCompleted, $"a and c have downed themselves; warnings: {Warnings()}", Deadline);
        // The first resolver to reach the limit downs every replica, often before the others' own ticks.
        Assert.Contains(_warnings, w => w.Contains("SBR detected instability and will down all nodes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_default_limit_the_majority_rides_out_the_same_spell_and_downs_only_the_replica_cut_off()
    {
        var (a, b, c) = await StartAsync(new AkkaClusterOptions().DownAllWhenUnstable);

        await FlapAsync(a, b, c);

        // What /api/replicas and the status page show until the resolver decides: b Up but unreachable.
        var replicas = await new ClusterView(a, new ActorRegistry(), new WatcherDirectory()).ReplicasAsync();
        Assert.Equal(
            Lines($"{Address(a)} Up reachable", $"{Address(b)} Up unreachable", $"{Address(c)} Up reachable"),
            Lines([.. replicas.Select(r => $"{r.Address} {r.Status} {(r.Reachable ? "reachable" : "unreachable")}")]));

        await Eventually.Until(
            () => Members(a) == Up(a, c) && Members(c) == Up(a, c),
            $"a and c see only each other, Up; warnings: {Warnings()}",
            Deadline);
        await Eventually.Until(() => b.WhenTerminated.IsCompleted, "b, the minority, has downed itself", Deadline);
        Assert.False(a.WhenTerminated.IsCompleted || c.WhenTerminated.IsCompleted, Warnings());
        Assert.DoesNotContain(_warnings, w => w.Contains("SBR detected instability", StringComparison.Ordinal));
        Assert.Contains(_warnings, w => w.Contains($"SBR took decision Akka.Cluster.SBR.DownUnreachable and is downing [{Address(b)}]", StringComparison.Ordinal));
    }

    private async Task<(ActorSystem A, ActorSystem B, ActorSystem C)> StartAsync(TimeSpan downAllWhenUnstable)
    {
        var downing = ClusterDowning.Hocon(new AkkaClusterOptions
        {
            StableAfter = StableAfter,
            DownAllWhenUnstable = downAllWhenUnstable,
            AcceptableHeartbeatPause = TimeSpan.FromSeconds(1),
        });
        var config = ConfigurationFactory.ParseString(
            $$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.remote.dot-netty.tcp.applied-adapters = [trttl]
            # Heartbeats four times a second, so that a cut is noticed in about 2 s and a heal at once.
            akka.cluster.failure-detector.heartbeat-interval = 250ms
            # The resolver's decisions are warnings; they are all this test reads (and prints).
            akka.loglevel = WARNING
            {{downing}}
            """);
        var a = Start("a", config);
        var b = Start("b", config);
        var c = Start("c", config);
        var seed = AkkaCluster.Get(a).SelfAddress;
        foreach (var system in _systems)
        {
            AkkaCluster.Get(system).Join(seed);
        }

        await Eventually.Until(() => _systems.All(s => Members(s) == Up(a, b, c)), "three replicas are Up", Deadline);
        return (a, b, c);
    }

    private ActorSystem Start(string name, Config config)
    {
        var system = ActorSystem.Create(AkkaComposition.SystemName, config);
        _systems.Add(system);
        system.ActorOf(Props.Create(() => new WarningRecorder(name, _warnings)), "warnings");
        return system;
    }

    /// <summary>b cut off throughout; a and c cut and healed again and again, each step waiting until both see it.</summary>
    private static async Task FlapAsync(ActorSystem a, ActorSystem b, ActorSystem c)
    {
        await CutAsync(b, a, true);
        await CutAsync(b, c, true);
        var flapping = Stopwatch.StartNew();
        while (flapping.Elapsed < Flapping && !a.WhenTerminated.IsCompleted && !c.WhenTerminated.IsCompleted)
        {
            await CutAsync(a, c, true);
            await SeenAsync(a, c, unreachable: true);
            await CutAsync(a, c, false);
            await SeenAsync(a, c, unreachable: false);
        }
    }

    /// <summary>Drops (or lets through again) every message between the two, in both directions, on both sides.</summary>
    private static async Task CutAsync(ActorSystem one, ActorSystem other, bool cut)
    {
        ThrottleMode mode = cut ? Blackhole.Instance : Unthrottled.Instance;
        foreach (var (from, to) in new[] { (one, other), (other, one) })
        {
            if (!from.WhenTerminated.IsCompleted)
            {
                var transport = ((RemoteActorRefProvider)((ExtendedActorSystem)from).Provider).Transport;
                await transport.ManagementCommand(new SetThrottle(AkkaCluster.Get(to).SelfAddress, ThrottleTransportAdapter.Direction.Both, mode));
            }
        }
    }

    /// <summary>Until a and c each see the other as the cut says (or one of them has stopped: the spell is over).</summary>
    private static Task SeenAsync(ActorSystem a, ActorSystem c, bool unreachable) => Eventually.Until(
        () => a.WhenTerminated.IsCompleted || c.WhenTerminated.IsCompleted || (Sees(a, c) == unreachable && Sees(c, a) == unreachable),
        $"a and c see each other {(unreachable ? "unreachable" : "reachable")}",
        Deadline);

    private static bool Sees(ActorSystem observer, ActorSystem subject) =>
        AkkaCluster.Get(observer).State.Unreachable.Any(m => m.Address.Equals(AkkaCluster.Get(subject).SelfAddress));

    private static string Members(ActorSystem system) => Lines([.. AkkaCluster.Get(system).State.Members.Select(m => $"{m.Address} {m.Status}")]);

    private static string Lines(params string[] lines) => string.Join(", ", lines.Order(StringComparer.Ordinal));

    private static string Up(params ActorSystem[] systems) => Lines([.. systems.Select(s => $"{Address(s)} Up")]);

    private static string Address(ActorSystem system) => AkkaCluster.Get(system).SelfAddress.ToString();

    private string Warnings() => string.Join(" | ", _warnings);

    /// <summary>Keeps each replica's warnings (the resolver's decisions are warnings), named by replica.</summary>
    private sealed class WarningRecorder : ReceiveActor
    {
        public WarningRecorder(string name, ConcurrentQueue<string> warnings)
        {
            Receive<Warning>(w => warnings.Enqueue($"{name}: {w.Message}"));
        }

        protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(Warning));
    }
}
