using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Orphans;
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
        api.MapGet("/services", async (HttpContext http, ServiceDirectory directory, string? @namespace, string? after, int? limit, bool? local) =>
        {
            var listing = await directory.ListAsync(@namespace, null, after, limit ?? ServiceRowSelection.MaxLimit, local == true);
            // The body stays a plain array; where the listing goes on, and which replicas are missing from it, ride in headers.
            if (listing.Next is { } next)
            {
                http.Response.Headers["X-DirectLB-Next-After"] = next;
            }

            if (listing.Missing.Any())
            {
                http.Response.Headers["X-DirectLB-Missing-Replicas"] = string.Join(", ", listing.Missing.Select(r => $"{r.Address} ({r.Reach.ToString().ToLowerInvariant()})"));
            }

            return Results.Ok(listing.Rows.Select(ServiceView.From));
        });
        api.MapGet("/services/{namespace}/{name}", async (ServiceDirectory directory, string @namespace, string name, string? cluster) =>
            await directory.FindAsync(new ServiceKey(@namespace, name, string.IsNullOrEmpty(cluster) ? null : cluster)) is { } row
                ? Results.Ok(ServiceView.From(row))
                : Results.NotFound(new ApiError($"service {@namespace}/{name} is not known to any replica that answered")));
        api.MapGet("/orphans", async (ClusterView view, OrphanOptions options) => Results.Ok(OrphansView.From(await view.OrphansAsync(options.Mode))));
        api.MapFallback(() => Results.NotFound(new ApiError("no such API path; see /api/clusters, /api/replicas, /api/services, /api/orphans")));
    }
}

/// <summary>An API error body.</summary>
public sealed record ApiError(string Error);

/// <summary>
/// A Service as the API shows it, from its owner replica (<see cref="Owner"/>, its Akka address). <see cref="Targets"/>:
/// the first 50 by endpoint (<see cref="TargetCount"/> counts all). <see cref="Nodes"/>: with several load balancer
/// nodes, each node's copy of its load balancer (<c>in-sync</c>, <c>behind</c>, <c>failed</c>); null with one load
/// balancer API. <see cref="Events"/>: the last few, newest first; <see cref="Latency"/>: the reconcile rounds of the
/// last 10 minutes that changed the load balancer, oldest first.
/// </summary>
public sealed record ServiceView(
    string Key,
    string Namespace,
    string Name,
    string? Cluster,
    string Owner,
    string? LoadBalancerId,
    string? Address,
    bool InSync,
    int Serving,
    int Draining,
    string? LastError,
    int TargetCount,
    IReadOnlyList<TargetRow> Targets,
    IReadOnlyList<NodeSync>? Nodes,
    IReadOnlyList<EventRow> Events,
    IReadOnlyList<LatencySample> Latency)
{
    public static ServiceView From(ServiceRow row) => new(
        row.Key.ToString(),
        row.Key.Namespace,
        row.Key.Name,
        row.Key.Cluster,
        row.Owner,
        row.LoadBalancerId,
        row.Address,
        row.InSync,
        row.Serving,
        row.Draining,
        row.LastError,
        row.TargetCount,
        row.Targets,
        row.Nodes,
        row.Events,
        row.Latency);
}

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
