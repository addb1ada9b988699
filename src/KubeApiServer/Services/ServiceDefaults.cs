using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// The defaults every Service gets on every write, as <c>SetDefaults_Service</c> (pkg/apis/core/v1/defaults.go) sets
/// them when the real server decodes a request: type, session affinity, port protocol and target port, traffic
/// policies, <c>allocateLoadBalancerNodePorts</c>, and <c>ipMode: VIP</c> on load balancer ingress IPs.
/// </summary>
internal static class ServiceDefaults
{
    public const int DefaultClientIPAffinitySeconds = 10800;

    public static void Apply(JsonObject service)
    {
        var spec = Child(service, "spec");
        if (Text(spec, "sessionAffinity") is null)
        {
            spec["sessionAffinity"] = "None";
        }
        switch (Text(spec, "sessionAffinity"))
        {
            case "None":
                spec.Remove("sessionAffinityConfig");
                break;
            case "ClientIP" when (spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"]) is null:
                spec["sessionAffinityConfig"] = new JsonObject { ["clientIP"] = new JsonObject { ["timeoutSeconds"] = DefaultClientIPAffinitySeconds } };
                break;
        }
        if (Text(spec, "type") is null)
        {
            spec["type"] = "ClusterIP";
        }
        var type = Text(spec, "type");
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(port, "protocol") is null)
            {
                port["protocol"] = "TCP";
            }
            if (port["targetPort"] is null || Text(port, "targetPort") is null && Number(port, "targetPort") == 0)
            {
                port["targetPort"] = port["port"]?.DeepClone();
            }
        }
        var external = type is "NodePort" or "LoadBalancer";
        if (external && Text(spec, "externalTrafficPolicy") is null)
        {
            spec["externalTrafficPolicy"] = "Cluster";
        }
        if (spec["internalTrafficPolicy"] is null && (external || type == "ClusterIP"))
        {
            spec["internalTrafficPolicy"] = "Cluster";
        }
        if (type == "LoadBalancer")
        {
            if (spec["allocateLoadBalancerNodePorts"] is null)
            {
                spec["allocateLoadBalancerNodePorts"] = true;
            }
            foreach (var ingress in (service["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (Text(ingress, "ip") is not null && ingress["ipMode"] is null)
                {
                    ingress["ipMode"] = "VIP";
                }
            }
        }
    }

    public static JsonObject Child(JsonObject parent, string field)
    {
        if (parent[field] is JsonObject child)
        {
            return child;
        }
        child = new JsonObject();
        parent[field] = child;
        return child;
    }

    /// <summary>The string in <paramref name="field"/>, or null when it is missing, empty or not a string.</summary>
    public static string? Text(JsonObject? obj, string field) =>
        obj?[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } s ? s : null;

    /// <summary>The integer in <paramref name="field"/>, or 0 when it is missing or not an integer.</summary>
    public static int Number(JsonObject? obj, string field) =>
        obj?[field] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && int.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? n
                : 0;
}
