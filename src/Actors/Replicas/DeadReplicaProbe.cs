using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Replicas;

/// <summary>
/// Downs a replica whose process is gone as soon as that is proven, instead of after the failure detector (5-7 s on a
/// busy machine) and the split brain resolver's stable-after. When a member's connection drops or it is marked
/// unreachable, this replica connects to the member's cluster port every <see cref="ProbeInterval"/>; if the port
/// refuses (<see cref="RefusedReplica"/> says how often and under which majority rule), the member is downed and its
/// incarnation quarantined, so that the leader removes it at once. An
/// accepted connection, a member that leaves or is removed, or <see cref="RefusedReplica.GiveUpAfter"/> without a
/// verdict ends the probing: a partition or a dead host (no answer at all) is left to the failure detector.
/// </summary>
public sealed class DeadReplicaProbe : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly Func<Address, CancellationToken, Task<ProbeOutcome>> _probe;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly Dictionary<Address, RefusedReplica> _probing = [];
    private readonly CancellationTokenSource _stopping = new();

    public DeadReplicaProbe(Func<Address, CancellationToken, Task<ProbeOutcome>> probe, TimeProvider clock, ILoggerFactory loggers)
    {
        _probe = probe;
        _clock = clock;
        _log = loggers.CreateLogger<DeadReplicaProbe>();
        Receive<DisassociatedEvent>(e => Suspect(e.RemoteAddress, "its connection dropped"));
        Receive<ClusterEvent.UnreachableMember>(e => Suspect(e.Member.Address, "it was marked unreachable"));
        Receive<ClusterEvent.MemberRemoved>(e => _probing.Remove(e.Member.Address));
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Probe>(p => ProbeOnce(p.Address));
        Receive<Probed>(OnProbed);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new DeadReplicaProbe(ConnectAsync, TimeProvider.System, loggers));

    /// <summary>Connects to <paramref name="address"/>'s host and port once, and closes at once.</summary>
    public static async Task<ProbeOutcome> ConnectAsync(Address address, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(ConnectTimeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(address.Host!, address.Port!.Value, timeout.Token);
            return ProbeOutcome.Accepted;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return ProbeOutcome.Refused;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            return ProbeOutcome.Unanswered;
        }
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        Context.System.EventStream.Unsubscribe(Self);
        _cluster.Unsubscribe(Self);
    }

    private void Suspect(Address address, string why)
    {
        if (_probing.ContainsKey(address) || address.Equals(_cluster.SelfAddress) || Running(address) is not { } member)
        {
            return;
        }

        _log.LogDebug("probing replica {Replica}'s cluster port: {Why}", address, why);
        _probing[address] = new RefusedReplica(member.UniqueAddress, _clock.GetUtcNow());
        ProbeOnce(address);
    }

    private void ProbeOnce(Address address)
    {
        if (_probing.ContainsKey(address))
        {
            _probe(address, _stopping.Token).PipeTo(Self, success: outcome => new Probed(address, outcome));
        }
    }

    private void OnProbed(Probed probed)
    {
        if (!_probing.TryGetValue(probed.Address, out var suspect))
        {
            return;
        }

        var now = _clock.GetUtcNow();
        var member = Running(probed.Address);
        if (member is null || !member.UniqueAddress.Equals(suspect.Replica) || probed.Outcome == ProbeOutcome.Accepted)
        {
            // Gone from the cluster, leaving on its own, replaced by a new incarnation, or listening: nothing to prove.
            _probing.Remove(probed.Address);
            return;
        }

        if (suspect.Observe(probed.Outcome, now)
            && RefusedReplica.MajorityWithout(
                suspect.Replica,
                _cluster.State.Members.Select(m => (m.UniqueAddress, m.Status)),
                _cluster.State.Unreachable.Select(m => m.UniqueAddress)))
        {
            _log.LogWarning(
                "replica {Replica} refused {Refusals} connections to its cluster port within {Elapsed} ms: its process is gone; downing it now rather than after the failure detector and stable-after",
                probed.Address, suspect.Refusals, (long)(now - suspect.Since).TotalMilliseconds);
            _probing.Remove(probed.Address);
            _cluster.Down(probed.Address);
            // The leader removes a downed member only once it is unreachable, which only the failure detector says,
            // seconds later. Quarantining the dead incarnation marks it terminated now (Akka.NET's cluster does so on
            // every quarantine), so it is removed at the leader's next tick; that incarnation is gone for good anyway.
            if (Context.System is ExtendedActorSystem { Provider: IRemoteActorRefProvider remote })
            {
                remote.Quarantine(probed.Address, suspect.Replica.Uid);
            }

            return;
        }

        if (now - suspect.Since >= RefusedReplica.GiveUpAfter)
        {
            _probing.Remove(probed.Address);
            return;
        }

        Timers.StartSingleTimer(probed.Address, new Probe(probed.Address), ProbeInterval);
    }

    private Member? Running(Address address) =>
        _cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address) && RefusedReplica.IsRunningStatus(m.Status));

    private sealed record Probe(Address Address);

    private sealed record Probed(Address Address, ProbeOutcome Outcome);
}
