using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Printing;

/// <summary>Services as the real server prints them: NAME, TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE, and SELECTOR (wide).</summary>
public static class ServicePrinter
{
    public static ResourcePrinter Instance { get; } = new(
        [
            TableColumn.Name_,
            new("Type", "string", "type determines how the Service is exposed."),
            new("Cluster-IP", "string", "clusterIP is the IP address of the service."),
            new("External-IP", "string", "The load balancer's ingress addresses, and externalIPs."),
            new("Port(s)", "string", "The list of ports that are exposed by this service."),
            TableColumn.Age,
            new("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", Priority: 1),
        ],
        (service, now) =>
        [
            service.Text("metadata", "name"),
            service.Text("spec", "type") ?? "",
            service.Texts("spec", "clusterIPs").FirstOrDefault() ?? "<none>",
            ExternalIp(service),
            Ports(service),
            HumanDuration.Since(service.Time("metadata", "creationTimestamp"), now),
            Labels(service.At("spec", "selector")),
        ]);

    private static string ExternalIp(JsonObject service)
    {
        var externalIps = service.Texts("spec", "externalIPs").ToList();
        switch (service.Text("spec", "type"))
        {
            case "ClusterIP" or "NodePort":
                return externalIps.Count > 0 ? string.Join(',', externalIps) : "<none>";
            case "LoadBalancer":
                // The ingress addresses as a sorted set, then the external IPs; never cut short, as the server prints wide.
                var ingress = service.Objects("status", "loadBalancer", "ingress")
                    .Select(i => i.Text("ip") ?? i.Text("hostname"))
                    .OfType<string>()
                    .Distinct()
                    .Order(StringComparer.Ordinal)
                    .ToList();
                var all = ingress.Concat(externalIps).ToList();
                return all.Count > 0 ? string.Join(',', all) : "<pending>";
            case "ExternalName":
                return service.Text("spec", "externalName") ?? "";
            default:
                return "<unknown>";
        }
    }

    private static string Ports(JsonObject service)
    {
        var ports = service.Objects("spec", "ports")
            .Select(p => p.Number("nodePort") > 0
                ? $"{p.Number("port")}:{p.Number("nodePort")}/{p.Text("protocol")}"
                : $"{p.Number("port")}/{p.Text("protocol")}")
            .ToList();
        return ports.Count > 0 ? string.Join(',', ports) : "<none>";
    }

    /// <summary>Labels as <c>a=1,b=2</c> in key order, or <c>&lt;none&gt;</c> (apimachinery's <c>labels.FormatLabels</c>).</summary>
    internal static string Labels(JsonNode? labels) =>
        labels is JsonObject map && map.Count > 0
            ? string.Join(',', map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.Text()}"))
            : "<none>";
}
