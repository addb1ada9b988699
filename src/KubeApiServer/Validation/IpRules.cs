using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DirectLB.KubeApiServer.Validation;

/// <summary>
/// IP addresses and CIDR blocks as the real server reads them in 1.30–1.35 (k8s.io/utils/net's "sloppy" parser, the
/// one Go had before 1.17): IPv4 as four decimal parts, leading zeros allowed (<c>010.0.0.1</c> is 10.0.0.1, with
/// only a warning); IPv6 without a zone. .NET's own parser alone would also take <c>1</c>, <c>0x7f.1</c> or a zone.
/// </summary>
internal static class IpRules
{
    public const string InvalidIp = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    public const string InvalidCidr = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

    public static IPAddress? Parse(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        }
        // Four parts of ASCII digits, each at most 255 whatever its leading zeros; read without allocating, as every
        // endpoint address of every EndpointSlice write comes through here.
        Span<byte> octets = stackalloc byte[4];
        var part = 0;
        var value = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.' && digits > 0 && part < 3)
            {
                octets[part++] = (byte)value;
                (value, digits) = (0, 0);
            }
            else if (char.IsAsciiDigit(c) && (value = (value * 10) + (c - '0')) <= 255)
            {
                digits++;
            }
            else
            {
                return null;
            }
        }
        if (part != 3 || digits == 0)
        {
            return null;
        }
        octets[3] = (byte)value;
        return new IPAddress(octets);
    }

    public static bool IsCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || Parse(text[..slash]) is not { } address)
        {
            return false;
        }
        var prefix = text[(slash + 1)..];
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var digits = prefix.TrimStart('0');
        return prefix.Length > 0 && prefix.All(char.IsAsciiDigit) && digits.Length <= 3
            && (digits.Length == 0 || int.Parse(digits, CultureInfo.InvariantCulture) <= bits);
    }

    /// <summary>
    /// validation.go <c>ValidateNonSpecialIP</c>: what may not be a pod's or an external address (unspecified, loopback,
    /// link-local, link-local multicast). An IPv4-mapped IPv6 address counts as its IPv4 address.
    /// </summary>
    /// <param name="allowLoopback">Take loopback addresses: see <c>ObjectStoreOptions.LoopbackEndpoints</c>.</param>
    /// <param name="parsed"><paramref name="text"/> as <see cref="Parse"/> read it (null: not an address).</param>
    public static IEnumerable<string> NonSpecial(string text, IPAddress? parsed, bool allowLoopback = false)
    {
        if (parsed is null)
        {
            yield return "must be a valid IP address";
            yield break;
        }
        var ip = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        var bytes = ip.GetAddressBytes();
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            yield return $"may not be unspecified ({text})";
        }
        if (IPAddress.IsLoopback(ip) && !allowLoopback)
        {
            yield return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        }
        if (v4 ? bytes[0] == 169 && bytes[1] == 254 : ip.IsIPv6LinkLocal)
        {
            yield return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        }
        if (v4 ? bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0 : bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02)
        {
            yield return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        }
    }
}
