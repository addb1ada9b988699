using System.Collections.Concurrent;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;

namespace DirectLB.Actors.Observability;

/// <summary>
/// The latest status report of every Service entity on this replica, for the status page and API.
/// Entities publish after each reconcile round; reading never disturbs them.
/// </summary>
public sealed class ServiceStatusBoard
{
    private readonly ConcurrentDictionary<ServiceKey, LoadBalancerStatusReport> _reports = new();

    public void Publish(LoadBalancerStatusReport report) => _reports[report.Key] = report;

    public void Remove(ServiceKey key) => _reports.TryRemove(key, out _);

    public LoadBalancerStatusReport? Find(ServiceKey key) => _reports.GetValueOrDefault(key);

    public IReadOnlyList<LoadBalancerStatusReport> List(string? namespaceFilter = null) =>
        [.. _reports.Values
            .Where(r => string.IsNullOrEmpty(namespaceFilter) || r.Key.Namespace == namespaceFilter)
            .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)];
}
