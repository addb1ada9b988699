using System.Collections.Concurrent;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;

namespace DirectLB.Actors.Observability;

/// <summary>
/// The latest status report of every Service entity on this replica, with its recent Events and reconcile times, for
/// the status page and API (which gather the boards of every replica through <see cref="ServiceStatusResponder"/>).
/// Entities write after each reconcile round and on each Event, never waiting; reading never disturbs them.
/// </summary>
public sealed class ServiceStatusBoard(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<ServiceKey, Published> _reports = new();
    private readonly ConcurrentDictionary<ServiceKey, ServiceHistory> _history = new();

    public void Publish(LoadBalancerStatusReport report) => _reports[report.Key] = new Published(report, _clock.GetUtcNow());

    /// <summary>The entity stopped or moved: its Service and history leave this replica's board.</summary>
    public void Remove(ServiceKey key)
    {
        _reports.TryRemove(key, out _);
        _history.TryRemove(key, out _);
    }

    /// <summary>An Event the entity records; only an entity calls this, before its stop removes the key again.</summary>
    public void RecordEvent(ServiceKey key, ServiceEvent e, DateTimeOffset at) =>
        _history.AddOrUpdate(key, static (_, a) => ServiceHistory.Empty.WithEvent(a.e, a.at), static (_, h, a) => h.WithEvent(a.e, a.at), (e, at));

    /// <summary>A reconcile round that changed the load balancer ended at <paramref name="at"/>, after <paramref name="took"/>.</summary>
    public void RecordReconcile(ServiceKey key, DateTimeOffset at, TimeSpan took) =>
        _history.AddOrUpdate(key, static (_, a) => ServiceHistory.Empty.WithReconcile(a.at, a.took), static (_, h, a) => h.WithReconcile(a.at, a.took), (at, took));

    public LoadBalancerStatusReport? Find(ServiceKey key) => _reports.GetValueOrDefault(key)?.Report;

    public ServiceHistory HistoryOf(ServiceKey key) => _history.GetValueOrDefault(key) ?? ServiceHistory.Empty;

    public IReadOnlyList<LoadBalancerStatusReport> List(string? namespaceFilter = null) =>
        [.. Entries(namespaceFilter).Select(e => e.Report)];

    /// <summary>This replica's Services in key order, each with when its report was published.</summary>
    public IEnumerable<Published> Entries(string? namespaceFilter = null) =>
        _reports.Values
            .Where(p => string.IsNullOrEmpty(namespaceFilter) || p.Report.Key.Namespace == namespaceFilter)
            .OrderBy(p => p.Report.Key.ToString(), StringComparer.Ordinal);

    /// <summary>A report and when the entity published it.</summary>
    public sealed record Published(LoadBalancerStatusReport Report, DateTimeOffset At);
}
