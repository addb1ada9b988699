using System.Globalization;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// The arguments of one server, shared by the configuration's <c>server</c> line and the runtime API's
/// <c>add server</c>: dynamic servers inherit nothing from <c>default-server</c>, so both paths must spell
/// out the same arguments or a reload would silently change a server.
/// </summary>
internal static class ServerArguments
{
    /// <summary>HAProxy's weight range.</summary>
    public const int MaxWeight = 256;

    /// <param name="transparent">Connect to the target from the client's own address (<c>usesrc clientip</c>), see <see cref="HAProxyProviderOptions.Transparent"/>.</param>
    public static string For(ListenerSpec listener, TargetSpec target, bool transparent)
    {
        var parts = new List<string>
        {
            ServerName.Endpoint(target.Key),
            "weight",
            target.Weight.ToString(CultureInfo.InvariantCulture),
        };
        if (listener.HealthCheck is { } check)
        {
            parts.AddRange(["check", "inter", Ms(check.IntervalMilliseconds), "rise", Num(check.Rise), "fall", Num(check.Fall)]);
            if (check.Port is { } port)
            {
                parts.AddRange(["port", Num(port)]);
            }
        }

        if (listener.ProxyProtocolV2)
        {
            // Health checks follow the traffic: HAProxy sends the PROXY header on checks too unless a check port is set.
            parts.Add("send-proxy-v2");
        }

        if (transparent)
        {
            // Per server, so each family binds its own wildcard: an IPv4 client reaches an IPv4 pod, an IPv6 one an IPv6 pod.
            parts.AddRange(["source", target.Key.Address.Contains(':') ? "::" : "0.0.0.0", "usesrc", "clientip"]);
        }

        return string.Join(' ', parts);
    }

    /// <summary>Why HAProxy cannot take this target, or null when it can.</summary>
    public static string? Validate(TargetSpec target) =>
        target.Weight is < 0 or > MaxWeight
            ? $"target {target.Key} has weight {target.Weight}; HAProxy takes 0 to {MaxWeight}"
            : null;

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Ms(int value) => Num(value) + "ms";
}
