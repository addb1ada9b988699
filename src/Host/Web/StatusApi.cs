using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Orphans;
using DirectLB.Host.Hosting;
using DirectLB.Providers;

namespace DirectLB.Host.Web;

/// <summary>
/// Read-only JSON under <c>/api</c>: member clusters, replicas, Services. Nothing here carries a secret: no
/// kubeconfig, token, server credential or connection string is ever part of these views.
/// </summary>
public static class StatusApi
{
    public static void MapStatusApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/clusters", async (ClusterView view) => Results.Ok(await view.AllWatchersAsync()));
        api.MapGet("/replicas", async (ClusterView view) => Results.Ok(await view.ReplicasAsync()));
        api.MapGet("/services", (ServiceStatusBoard board, ProviderBootstrap provider, string? @namespace) =>
            Results.Ok(board.List(@namespace).Select(report => ServiceView.From(report, provider.Nodes))));
        api.MapGet("/services/{namespace}/{name}", (ServiceStatusBoard board, ProviderBootstrap provider, string @namespace, string name, string? cluster) =>
            board.Find(new ServiceKey(@namespace, name, string.IsNullOrEmpty(cluster) ? null : cluster)) is { } report
                ? Results.Ok(ServiceView.From(report, provider.Nodes))
                : Results.NotFound(new ApiError($"service {@namespace}/{name} is not known to this replica")));
        api.MapGet("/orphans", async (ClusterView view, OrphanOptions options) => Results.Ok(OrphansView.From(await view.OrphansAsync(options.Mode))));
        api.MapFallback(() => Results.NotFound(new ApiError("no such API path; see /api/clusters, /api/replicas, /api/services, /api/orphans")));
    }
}

/// <summary>An API error body.</summary>
public sealed record ApiError(string Error);

/// <summary>
/// A Service as the API shows it. <see cref="Nodes"/>: with several load balancer nodes, each node's copy of its load
/// balancer (<c>in-sync</c>, <c>behind</c>, <c>failed</c>); null with one load balancer API.
/// </summary>
public sealed record ServiceView(
    string Key,
    string Namespace,
    string Name,
    string? Cluster,
    string? LoadBalancerId,
    string? Address,
    bool InSync,
    int Serving,
    int Draining,
    string? LastError,
    IReadOnlyList<TargetView> Targets,
    IReadOnlyList<NodeSync>? Nodes)
{
    public static ServiceView From(LoadBalancerStatusReport report, ILoadBalancerNodes? nodes) => new(
        report.Key.ToString(),
        report.Key.Namespace,
        report.Key.Name,
        report.Key.Cluster,
        report.LoadBalancerId,
        report.Address,
        report.InSync,
        report.ServingTargets,
        report.DrainingTargets,
        report.LastError,
        [.. report.Targets.OrderBy(t => t.Key).Select(t => new TargetView(
            t.Key.ToString(), t.ClusterId, t.State.ToString().ToLowerInvariant(), t.Weight, report.HealthOf(t.Key).ToString().ToLowerInvariant()))],
        nodes is not null && report.LoadBalancerId is { } id ? nodes.NodesOf(id) : null);
}

/// <summary>A target with the health the load balancer last reported for it (unknown before the first read-back).</summary>
public sealed record TargetView(string Endpoint, string Cluster, string State, int Weight, string Health);

/// <summary>The orphan collector's last findings as the API shows them.</summary>
public sealed record OrphansView(string Mode, DateTimeOffset? CheckedAt, string? Paused, IReadOnlyList<OrphanView> Orphans)
{
    public static OrphansView From(OrphanReport report) => new(
        report.Mode.ToString().ToLowerInvariant(),
        report.CheckedAt,
        report.Paused,
        [.. report.Orphans.Select(o => new OrphanView(o.LoadBalancerId, o.Name, o.Address, o.Service.ToString(), o.OrphanedSince, o.Collected))]);
}

public sealed record OrphanView(string LoadBalancerId, string Name, string Address, string Service, DateTimeOffset OrphanedSince, bool Collected);
