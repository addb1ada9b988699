using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// What the load generator saw up to a moment: answers by pod, split into requests on new connections (the unit
/// a TCP load balancer balances) and requests on kept-alive ones, the requests retried, and every failure.
/// Subtracting an earlier snapshot gives the counts of a window.
/// </summary>
public sealed record TrafficCounts(
    ImmutableSortedDictionary<string, long> NewConnection,
    ImmutableSortedDictionary<string, long> KeptAlive,
    long Retried,
    ImmutableArray<string> Failures)
{
    public long Succeeded => NewConnection.Values.Sum() + KeptAlive.Values.Sum();

    /// <summary>Every answer by pod, whatever the connection.</summary>
    public ImmutableSortedDictionary<string, long> ByPod =>
        NewConnection.Keys.Union(KeptAlive.Keys)
            .ToImmutableSortedDictionary(p => p, p => NewConnection.GetValueOrDefault(p) + KeptAlive.GetValueOrDefault(p), StringComparer.Ordinal);

    public TrafficCounts Since(TrafficCounts earlier) => new(
        Minus(NewConnection, earlier.NewConnection),
        Minus(KeptAlive, earlier.KeptAlive),
        Retried - earlier.Retried,
        Failures[earlier.Failures.Length..]);

    /// <summary>Each pod's share of the new-connection requests, 0 to 1.</summary>
    public IReadOnlyDictionary<string, double> NewConnectionShares()
    {
        var total = (double)NewConnection.Values.Sum();
        return NewConnection.ToImmutableSortedDictionary(p => p.Key, p => total == 0 ? 0 : p.Value / total, StringComparer.Ordinal);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Succeeded} answered ({NewConnection.Values.Sum()} on new connections, {KeptAlive.Values.Sum()} kept alive), ");
        text.Append(CultureInfo.InvariantCulture, $"{Failures.Length} failed, {Retried} retried on a closed kept-alive connection");
        foreach (var (pod, count) in ByPod)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {pod,-14} {count,7} ({NewConnection.GetValueOrDefault(pod)} new, {KeptAlive.GetValueOrDefault(pod)} kept alive)");
        }

        foreach (var failure in Failures.Take(10))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  failure: {failure}");
        }

        return text.ToString();
    }

    private static ImmutableSortedDictionary<string, long> Minus(ImmutableSortedDictionary<string, long> now, ImmutableSortedDictionary<string, long> before) =>
        now.Select(p => (p.Key, Count: p.Value - before.GetValueOrDefault(p.Key)))
            .Where(p => p.Count > 0)
            .ToImmutableSortedDictionary(p => p.Key, p => p.Count, StringComparer.Ordinal);
}
