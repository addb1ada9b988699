using System.Collections.Immutable;

namespace DirectLB.Actors.Observability;

/// <summary>How a replica took part in a cluster-wide listing.</summary>
public enum ReplicaReach
{
    /// <summary>It answered: its Services are listed.</summary>
    Answered,

    /// <summary>The failure detector marks it unreachable: it was not asked, and its Services are not listed until they move.</summary>
    Unreachable,

    /// <summary>It was asked and did not answer in time: its Services are not listed.</summary>
    Silent,
}

/// <summary>One replica's part of a listing: its rows in key order, and whether it holds more than it gave.</summary>
public sealed record ReplicaAnswer(string Address, ReplicaReach Reach, ImmutableArray<ServiceRow> Rows, bool More);

/// <summary>
/// Every Service of the Akka cluster as the replicas that answered told it, in key order, each once; <see cref="Next"/>
/// is the key to list after for the next page (null on the last).
/// </summary>
public sealed record ServiceListing(ImmutableArray<ServiceRow> Rows, string? Next, ImmutableArray<ReplicaAnswer> Replicas)
{
    /// <summary>
    /// Merges the replicas' answers. A Service caught on two replicas as it moves (the old owner read before its entity
    /// stopped, the new one after its entity started) is listed once, as the replica that published last tells it.
    /// </summary>
    public static ServiceListing Merge(IEnumerable<ReplicaAnswer> answers, int limit)
    {
        var all = answers.OrderBy(a => a.Address, StringComparer.Ordinal).ToImmutableArray();
        var rows = all
            .Where(a => a.Reach == ReplicaReach.Answered)
            .SelectMany(a => a.Rows)
            .GroupBy(r => r.Key)
            .Select(copies => copies.MaxBy(r => r.PublishedAt)!)
            .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
            .ToList();
        var page = rows.Take(limit).ToImmutableArray();
        var more = rows.Count > limit || all.Any(a => a.More);
        return new ServiceListing(page, more && page.Length > 0 ? page[^1].Key.ToString() : null, [.. all.Select(a => a with { Rows = [] })]);
    }

    /// <summary>The replicas whose Services are missing from this listing.</summary>
    public IEnumerable<ReplicaAnswer> Missing => Replicas.Where(r => r.Reach != ReplicaReach.Answered);
}
