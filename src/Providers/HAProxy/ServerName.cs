using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// HAProxy server names derived from the target alone, so a retry, a reload or a new DirectLB process finds
/// the server it made: <c>t-10-244-1-5-8080</c> for IPv4, <c>t6-fd00--7-9090</c> for IPv6 (colons become
/// dashes, the dotted tail of a mapped address becomes underscores). The address is canonicalised first,
/// so two spellings of one address name one server; the encoding is reversible, so a human reading
/// <c>show servers state</c> knows which pod a server is.
/// </summary>
public static class ServerName
{
    private const string V4Prefix = "t-";
    private const string V6Prefix = "t6-";

    /// <exception cref="ProviderException">The address is not an IP literal (not retryable).</exception>
    public static string For(TargetKey target)
    {
        var address = Canonical(target);
        var encoded = address.AddressFamily == AddressFamily.InterNetwork
            ? V4Prefix + address.ToString().Replace('.', '-')
            : V6Prefix + address.ToString().Replace(':', '-').Replace('.', '_');
        return $"{encoded}-{target.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The address as HAProxy wants it on a server line: IPv6 in brackets.</summary>
    public static string Endpoint(TargetKey target)
    {
        var address = Canonical(target);
        var port = target.Port.ToString(CultureInfo.InvariantCulture);
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }

    private static IPAddress Canonical(TargetKey target)
    {
        if (!IPAddress.TryParse(target.Address, out var address) || target.Address.Contains('%'))
        {
            throw new ProviderException($"target {target} is not an IP address HAProxy can reach", retryable: false);
        }

        if (target.Port is < 1 or > 65535)
        {
            throw new ProviderException($"target {target} has a port outside 1-65535", retryable: false);
        }

        return address;
    }
}
