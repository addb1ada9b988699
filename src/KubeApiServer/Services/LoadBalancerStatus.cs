using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Validation;
using static DirectLB.KubeApiServer.Services.ServiceDefaults;

namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// The checks the real server makes of <c>status.loadBalancer</c> (validation.go <c>ValidateLoadBalancerStatus</c>): ingress
/// only on a LoadBalancer Service; each <c>ip</c> an IP address with an <c>ipMode</c> of VIP or Proxy; each <c>hostname</c>
/// a lowercase RFC 1123 subdomain and not an IP. A status a real cluster refuses is refused here too (422), so what a
/// controller publishes is what a real cluster would take.
/// </summary>
internal static class LoadBalancerStatus
{
    public static void Validate(Writing write, JsonObject service)
    {
        var ingress = service["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [];
        if (ingress.Count > 0 && Text(service["spec"] as JsonObject, "type") != "LoadBalancer")
        {
            throw write.Invalid("status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'");
        }
        for (var i = 0; i < ingress.Count; i++)
        {
            var entry = ingress[i] as JsonObject;
            var path = $"status.loadBalancer.ingress[{i}]";
            var ip = Text(entry, "ip");
            var mode = Text(entry, "ipMode");
            if (ip is not null && IpRules.Parse(ip) is null)
            {
                throw write.Invalid($"{path}.ip: Invalid value: \"{ip}\": {IpRules.InvalidIp}");
            }
            if (mode is not null && ip is null)
            {
                throw write.Invalid($"{path}.ipMode: Forbidden: may not be specified when `ip` is not set");
            }
            if (mode is not (null or "VIP" or "Proxy"))
            {
                throw write.Invalid($"{path}.ipMode: Unsupported value: \"{mode}\": supported values: \"Proxy\", \"VIP\"");
            }
            if (Text(entry, "hostname") is { } hostname)
            {
                if (NameRules.Dns1123Subdomain(hostname).FirstOrDefault() is { } message)
                {
                    throw write.Invalid($"{path}.hostname: Invalid value: \"{hostname}\": {message}");
                }
                if (IpRules.Parse(hostname) is not null)
                {
                    throw write.Invalid($"{path}.hostname: Invalid value: \"{hostname}\": must be a DNS name, not an IP address");
                }
            }
        }
    }
}
