using Akka.Cluster;

namespace DirectLB.Actors.Replicas;

/// <summary>What one connection attempt to a replica's cluster port found.</summary>
public enum ProbeOutcome
{
    /// <summary>Nothing listens there: the host answered with a reset. A live replica always listens on its port.</summary>
    Refused,

    /// <summary>Something accepted the connection: the replica (or a new incarnation of it) is there.</summary>
    Accepted,

    /// <summary>No answer in time, or no route, or no name: says nothing either way (a partition looks like this).</summary>
    Unanswered,
}

/// <summary>
/// When a replica whose connection dropped may be downed at once rather than after the failure detector and the split
/// brain resolver's stable-after: when its cluster port refuses connections <see cref="RefusalsNeeded"/> times in a row
/// over at least <see cref="RefusalSpan"/> (its process is gone: a live replica listens on that port for as long as it
/// runs), and when this replica's side still holds a strict majority of the cluster without it, as keep-majority would
/// decide. The majority rule keeps a partition that answers with resets (a firewall rejecting) from letting each side
/// down the other: only the majority side may use this shortcut; a minority waits for the split brain resolver, which
/// downs it.
/// </summary>
public sealed class RefusedReplica(UniqueAddress replica, DateTimeOffset since)
{
    public const int RefusalsNeeded = 3;

    public static readonly TimeSpan RefusalSpan = TimeSpan.FromMilliseconds(400);

    /// <summary>How long to keep probing without a verdict before leaving it to the failure detector.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(15);

    private int _refusals;
    private DateTimeOffset _firstRefusal;

    public UniqueAddress Replica => replica;

    public DateTimeOffset Since => since;

    public int Refusals => _refusals;

    /// <summary>Records one probe; true once the refusals prove the process gone.</summary>
    public bool Observe(ProbeOutcome outcome, DateTimeOffset now)
    {
        if (outcome != ProbeOutcome.Refused)
        {
            _refusals = 0;
            return false;
        }

        if (_refusals++ == 0)
        {
            _firstRefusal = now;
        }

        return _refusals >= RefusalsNeeded && now - _firstRefusal >= RefusalSpan;
    }

    /// <summary>Whether a member in this status may be downed for refusing: not one that is leaving on its own.</summary>
    public static bool IsRunningStatus(MemberStatus status) =>
        status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up;

    /// <summary>
    /// Whether the members this replica can still reach, without <paramref name="suspect"/>, are a strict majority of
    /// the cluster's members (those joining, up or leaving), as keep-majority counts them.
    /// </summary>
    public static bool MajorityWithout(
        UniqueAddress suspect, IEnumerable<(UniqueAddress Replica, MemberStatus Status)> members, IEnumerable<UniqueAddress> unreachable)
    {
        var active = members
            .Where(m => IsRunningStatus(m.Status) || m.Status == MemberStatus.Leaving)
            .Select(m => m.Replica)
            .ToHashSet();
        var reachable = active.Except(unreachable).Count(a => !a.Equals(suspect));
        return reachable * 2 > active.Count;
    }
}
