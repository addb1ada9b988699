using System.Text;
using DirectLB.Actors.Observability;
using DirectLB.Providers;
using static DirectLB.Host.Web.Markup;

namespace DirectLB.Host.Web;

/// <summary>
/// The status page's Services: every Service of the Akka cluster (from <see cref="ServiceDirectory"/>) with its owner
/// replica, address, state, targets and their health, last Events and a reconcile-time chart, a page at a time.
/// </summary>
internal static class ServiceSection
{
    public const int PageSize = 100;

    public static void Render(StringBuilder page, ServiceListing listing, string selfAddress, string? namespaceFilter, DateTimeOffset now)
    {
        page.Append($"""
            <h2>Services</h2><p class="muted">Every Service of the Akka cluster, from the replica that owns it.</p>
            <form method="get" action="/"><label>Namespace <input name="namespace" value="{E(namespaceFilter ?? "")}"></label>
            <button type="submit">Filter</button> <a href="/">all</a></form>
            """);
        foreach (var missing in listing.Missing)
        {
            var why = missing.Reach == ReplicaReach.Unreachable ? "is unreachable" : $"did not answer within {ServiceDirectory.ReplicaTimeout.TotalSeconds:0} s";
            page.Append($"<p class=\"bad missing\">Replica <code>{E(missing.Address)}</code> {why}: its Services are not listed until it answers or they move to another replica.</p>");
        }

        page.Append("<table id=\"services\"><tr><th>Service</th><th>Owner</th><th>Address</th><th>State</th><th>Targets</th><th>Last events</th><th>Reconcile time</th><th>Last error</th></tr>");
        foreach (var s in listing.Rows)
        {
            page.Append($"<tr data-service=\"{E(s.Key.ToString())}\" data-owner=\"{E(s.Owner)}\"><td>{E(s.Key.ToString())}</td>"
                + $"<td class=\"owner\"><code>{E(s.Owner)}</code>{(s.Owner == selfAddress ? " <span class=\"muted\">(this replica)</span>" : "")}</td>"
                + $"<td><code>{E(s.Address ?? "-")}</code></td><td>{Flag(s.InSync, "in sync", "syncing")}{NodeStates(s.Nodes)}</td>"
                + $"<td class=\"small\">{Targets(s)}</td><td class=\"small\">{Events(s.Events)}</td><td class=\"small\">{LatencyChart.Render(s.Latency, now)}</td><td>{E(s.LastError ?? "")}</td></tr>");
        }

        if (listing.Rows.IsEmpty)
        {
            page.Append("<tr><td colspan=\"8\" class=\"muted\">No Services here.</td></tr>");
        }

        page.Append("</table>");
        if (listing.Next is { } next)
        {
            var query = $"after={Uri.EscapeDataString(next)}" + (string.IsNullOrEmpty(namespaceFilter) ? "" : $"&namespace={Uri.EscapeDataString(namespaceFilter)}");
            page.Append($"<p><a id=\"next\" href=\"/?{E(query)}\">Next {PageSize} Services</a></p>");
        }
    }

    private static string Targets(ServiceRow s)
    {
        var shown = string.Concat(s.Targets.Select(t =>
            $"<div class=\"line\"><code>{E(t.Endpoint)}</code> {E(t.Cluster)} {(t.State == "serving" ? "serving" : "<span class=\"bad\">draining</span>")} {Health(t.Health)}</div>"));
        var more = s.TargetCount > s.Targets.Length ? $"<div class=\"muted\">and {s.TargetCount - s.Targets.Length} more</div>" : "";
        return $"<div>{s.Serving} serving, {s.Draining} draining</div>{shown}{more}";
    }

    private static string Events(IReadOnlyList<EventRow> events) =>
        events.Count == 0
            ? "<span class=\"muted\">none</span>"
            : string.Concat(events.Select(e =>
                $"<div class=\"event\"><span class=\"muted\">{e.At:HH:mm:ss}Z</span> <b class=\"{(e.Type == "Warning" ? "bad" : "")}\">{E(e.Reason)}</b>"
                + (e.Count > 1 ? $" <span class=\"muted\">(x{e.Count})</span>" : "") + $" {E(e.Message)}</div>"));

    /// <summary>A target's health as the load balancer reports it; unknown before the first read-back.</summary>
    private static string Health(string health) => health switch
    {
        "healthy" => "<span class=\"ok\">healthy</span>",
        "unhealthy" => "<span class=\"bad\">unhealthy</span>",
        _ => $"<span class=\"muted\">{E(health)}</span>",
    };

    /// <summary>With several load balancer nodes, one line per node: its copy of the Service's load balancer.</summary>
    private static string NodeStates(IReadOnlyList<NodeSync>? nodes) =>
        nodes is null
            ? ""
            : string.Concat(nodes.Select(n =>
                $"<br><span class=\"node\">node <code>{E(n.Node)}</code> {Flag(n.State == NodeSync.InSync, n.State, n.State)}</span>"
                + (n.Detail is null || n.State == NodeSync.InSync ? "" : $" <span class=\"muted\">{E(n.Detail)}</span>")));
}
