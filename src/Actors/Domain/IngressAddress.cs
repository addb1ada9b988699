using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace DirectLB.Actors.Domain;

/// <summary>
/// What <c>status.loadBalancer.ingress</c> can carry, as the API server validates it (<c>ValidateLoadBalancerStatus</c>):
/// an IP address, or a DNS name that is a lowercase RFC 1123 subdomain and not an IP. A provider's address is published
/// in the form Kubernetes accepts (an IP written canonically; a name lowercased, without the root's dot), and one that is
/// neither is left out: the API server would refuse the whole status write, and again at every retry.
/// </summary>
public static partial class IngressAddress
{
    private const int MaxNameLength = 253;

    /// <summary>The address as the status can carry it, or null when it cannot.</summary>
    public static string? Publishable(string address)
    {
        if (StrictIp(address) is { } ip)
        {
            return ip.ToString();
        }
        var name = (address.EndsWith('.') ? address[..^1] : address).ToLowerInvariant();
        return name.Length is > 0 and <= MaxNameLength && Subdomain().IsMatch(name) && !ReadsAsIp(name) ? name : null;
    }

    /// <summary>The addresses the status can carry, in order, each in its published form.</summary>
    public static ImmutableArray<string> Publishable(IEnumerable<string> addresses) => [.. addresses.Select(Publishable).OfType<string>()];

    /// <summary>The addresses the status cannot carry.</summary>
    public static IEnumerable<string> Unpublishable(IEnumerable<string> addresses) => addresses.Where(a => Publishable(a) is null);

    // An IP as Go's net.ParseIP reads one: four decimal parts without leading zeros, or IPv6 without a zone. .NET
    // alone would also read "1" or "0x1" as 0.0.0.1 and "010.0.0.1" as 10.0.0.1.
    private static IPAddress? StrictIp(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return !text.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(text, out var v6) ? v6 : null;
        }
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(DecimalOctet) && IPAddress.TryParse(text, out var v4) ? v4 : null;
    }

    // What the API server takes for an IP in a hostname (Go's ParseIPSloppy): also four decimal parts with leading zeros.
    private static bool ReadsAsIp(string name) =>
        name.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, CultureInfo.InvariantCulture) <= 255);

    private static bool DecimalOctet(string part) =>
        part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0')
        && int.Parse(part, CultureInfo.InvariantCulture) <= 255;

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();
}
