using System.Text;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Orphans;
using static DirectLB.Host.Web.Markup;

namespace DirectLB.Host.Web;

/// <summary>
/// The read-only status page at <c>/</c>: member clusters and their watch state, replicas and their shards, every
/// Service of the Akka cluster (<see cref="ServiceSection"/>), filtered by namespace, and orphaned load balancers.
/// Self-contained HTML (no external assets), refreshed every 5 seconds.
/// </summary>
public static class StatusPage
{
    public static void MapStatusPage(this IEndpointRouteBuilder app) =>
        app.MapGet("/", async (ClusterView view, ServiceDirectory directory, OrphanOptions orphans, TimeProvider clock, string? @namespace, string? after) =>
        {
            var clusters = view.AllWatchersAsync();
            var replicas = view.ReplicasAsync();
            var services = directory.ListAsync(@namespace, null, after, ServiceSection.PageSize);
            var orphanReport = view.OrphansAsync(orphans.Mode);
            return Results.Content(
                Render(await clusters, await replicas, await services, await orphanReport, @namespace, clock.GetUtcNow()),
                "text/html; charset=utf-8");
        });

    private static string Render(
        IReadOnlyList<WatcherStatus> clusters,
        IReadOnlyList<ReplicaStatus> replicas,
        ServiceListing services,
        OrphanReport orphans,
        string? namespaceFilter,
        DateTimeOffset now)
    {
        var page = new StringBuilder();
        page.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>DirectLB status</title><style>
            body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2733}h1{margin:0 0 .2rem}h2{margin-top:2rem}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #dde3ea;vertical-align:top}
            th{background:#f3f6f9}.ok{color:#17803d;font-weight:600}.bad{color:#b42318;font-weight:600}.muted{color:#667085}
            code{font-size:.9em}form{margin:.5rem 0}.small{font-size:.85em}.line{white-space:nowrap}.event{margin-bottom:.2rem}
            </style></head><body><h1>DirectLB</h1><p class="muted">Read-only status of the DirectLB cluster, as this replica gathers it. Refreshes every 5 seconds.</p>
            """);
        page.Append("<h2>Member clusters</h2><table id=\"clusters\"><tr><th>Cluster</th><th>Watch</th><th>API server</th><th>Services</th><th>Last error</th></tr>");
        foreach (var c in clusters)
        {
            page.Append($"<tr><td>{E(c.ClusterId)}</td><td>{Flag(c.Synced, "synced", "not synced")}</td><td>{Flag(c.Connected, "reachable", "unreachable")}</td>"
                + $"<td>{c.RelevantServices} of {c.Services}</td><td>{E(c.LastError ?? "")}</td></tr>");
        }

        page.Append("</table><h2>Replicas</h2><table id=\"replicas\"><tr><th>Address</th><th>Status</th><th>Shards</th><th>Entities</th></tr>");
        foreach (var r in replicas)
        {
            page.Append($"<tr><td><code>{E(r.Address)}</code>{(r.IsSelf ? " <span class=\"muted\">(this replica)</span>" : "")}</td>"
                + $"<td>{Flag(r.Status == "Up" && r.Reachable, r.Status, r.Reachable ? r.Status : $"{r.Status}, unreachable")}</td><td>{r.Shards?.ToString() ?? "?"}</td><td>{r.Entities?.ToString() ?? "?"}</td></tr>");
        }

        page.Append("</table>");
        ServiceSection.Render(page, services, replicas.FirstOrDefault(r => r.IsSelf)?.Address ?? "", namespaceFilter, now);
        RenderOrphans(page, orphans);
        page.Append("</body></html>");
        return page.ToString();
    }

    private static void RenderOrphans(StringBuilder page, OrphanReport report)
    {
        var checkedAt = report.CheckedAt is { } at ? $"checked {at:yyyy-MM-dd HH:mm:ss}Z" : "not checked yet";
        page.Append($"""
            <h2>Orphaned load balancers</h2><p class="muted">Mode {E(report.Mode.ToString().ToLowerInvariant())}, {E(checkedAt)}{(report.Paused is { } why ? $"; paused: {E(why)}" : "")}</p>
            <table id="orphans"><tr><th>Load balancer</th><th>Address</th><th>Service</th><th>Orphaned since</th><th>State</th></tr>
            """);
        foreach (var o in report.Orphans)
        {
            page.Append($"<tr><td><code>{E(o.LoadBalancerId)}</code> {E(o.Name)}</td><td><code>{E(o.Address)}</code></td><td>{E(o.Service.ToString())}</td>"
                + $"<td>{o.OrphanedSince:yyyy-MM-dd HH:mm:ss}Z</td><td>{(o.Collected ? "<span class=\"bad\">collecting</span>" : "waiting")}</td></tr>");
        }

        if (report.Orphans.IsEmpty)
        {
            page.Append("<tr><td colspan=\"5\" class=\"muted\">None.</td></tr>");
        }

        page.Append("</table>");
    }
}
