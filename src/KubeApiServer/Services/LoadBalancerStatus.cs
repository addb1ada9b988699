using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static DirectLB.KubeApiServer.Services.ServiceDefaults;

namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// The checks the real server makes of <c>status.loadBalancer</c> (validation.go <c>ValidateLoadBalancerStatus</c>): ingress
/// only on a LoadBalancer Service; each <c>ip</c> an IP address with an <c>ipMode</c> of VIP or Proxy; each <c>hostname</c>
/// a lowercase RFC 1123 subdomain and not an IP. A status a real cluster refuses is refused here too (422), so what a
/// controller publishes is what a real cluster would take.
/// </summary>
internal static partial class LoadBalancerStatus
{
    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
        + "with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

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
            if (ip is not null && !IsIp(ip))
            {
                throw write.Invalid($"{path}.ip: Invalid value: \"{ip}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
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
                if (hostname.Length > 253 || !Subdomain().IsMatch(hostname))
                {
                    throw write.Invalid($"{path}.hostname: Invalid value: \"{hostname}\": {(hostname.Length > 253 ? "must be no more than 253 characters" : SubdomainMessage)}");
                }
                if (hostname.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, CultureInfo.InvariantCulture) <= 255))
                {
                    throw write.Invalid($"{path}.hostname: Invalid value: \"{hostname}\": must be a DNS name, not an IP address");
                }
            }
        }
    }

    // Four decimal parts or IPv6 without a zone, as Go's parser reads an IP (.NET alone also reads "1" as 0.0.0.1).
    private static bool IsIp(string text) =>
        IPAddress.TryParse(text, out _)
        && (text.Contains(':', StringComparison.Ordinal)
            ? !text.Contains('%', StringComparison.Ordinal)
            : text.Split('.') is { Length: 4 } parts && parts.All(p => p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0')));

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();
}
