using System.Collections.Immutable;
using System.Text.Json;
using DirectLB.Actors.Serialization;
using DirectLB.Providers;

namespace DirectLB.Actors.Observability;

/// <summary>What one replica answers to <see cref="GetServiceRows"/>, from its status board (pure apart from reading it).</summary>
public static class ServiceRowSelection
{
    /// <summary>Targets shown per Service in the cluster-wide view; the row counts the rest.</summary>
    public const int MaxTargets = 50;

    /// <summary>Largest answer, in serialized bytes: under Akka.Remote's default frame of 128,000 bytes, with room for the envelope.</summary>
    public const int MaxAnswerBytes = 100_000;

    public const int MaxLimit = 1000;

    public static ServiceRows Select(ServiceStatusBoard board, string owner, ILoadBalancerNodes? nodes, GetServiceRows query)
    {
        var matching = board.Entries(query.Namespace)
            .Where(p => query.Key is not { } key || p.Report.Key == key)
            .Where(p => query.After is null || string.CompareOrdinal(p.Report.Key.ToString(), query.After) > 0);
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var rows = ImmutableArray.CreateBuilder<ServiceRow>();
        var bytes = 0;
        foreach (var published in matching)
        {
            if (rows.Count == limit)
            {
                return new ServiceRows(owner, rows.ToImmutable(), More: true);
            }

            var row = RowOf(published, board.HistoryOf(published.Report.Key), owner, nodes);
            bytes += JsonSerializer.SerializeToUtf8Bytes(row, DirectLbSerializer.JsonOptions).Length;
            if (bytes > MaxAnswerBytes && rows.Count > 0)
            {
                return new ServiceRows(owner, rows.ToImmutable(), More: true);
            }

            rows.Add(row);
        }

        return new ServiceRows(owner, rows.ToImmutable(), More: false);
    }

    public static ServiceRow RowOf(ServiceStatusBoard.Published published, ServiceHistory history, string owner, ILoadBalancerNodes? nodes)
    {
        var report = published.Report;
        return new ServiceRow(
            report.Key,
            owner,
            report.LoadBalancerId,
            report.Address,
            report.InSync,
            report.LastError is { } error ? ServiceHistory.Cut(error, 2 * ServiceHistory.MaxMessage) : null,
            report.ServingTargets,
            report.DrainingTargets,
            report.Targets.Length,
            [.. report.Targets.OrderBy(t => t.Key).Take(MaxTargets).Select(t => new TargetRow(
                t.Key.ToString(), t.ClusterId, t.State.ToString().ToLowerInvariant(), t.Weight, report.HealthOf(t.Key).ToString().ToLowerInvariant()))],
            nodes is not null && report.LoadBalancerId is { } id ? [.. nodes.NodesOf(id)] : null,
            history.Events,
            history.Latency,
            published.At);
    }
}
