using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Planning;

/// <summary>
/// What the planner takes from an EndpointSlice as a target: port numbers a socket can have, and addresses of the
/// slice's own family in canonical form. A real API server validates both; the planner does not rely on it.
/// </summary>
internal static class EndpointAddresses
{
    public static bool IsPort(int port) => port is >= 1 and <= 65535;

    /// <summary>The endpoint's addresses in canonical form; each that is not an address of the slice's type is an error.</summary>
    public static ImmutableArray<string> Canonical(EndpointSliceSnapshot slice, EndpointSnapshot endpoint, List<string> errors)
    {
        var family = slice.AddressType == "IPv6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        ImmutableArray<string>.Builder? changed = null;
        for (var i = 0; i < endpoint.Addresses.Length; i++)
        {
            var address = endpoint.Addresses[i];
            var canonical = CanonicalOrNull(address, family);
            if (canonical is null)
            {
                errors.Add($"EndpointSlice {Quote.Short(slice.Name)}: '{Quote.Short(address)}' is not an {slice.AddressType} address");
            }

            if (changed is null && !ReferenceEquals(canonical, address))
            {
                changed = ImmutableArray.CreateBuilder<string>(endpoint.Addresses.Length);
                changed.AddRange(endpoint.Addresses.Take(i));
            }

            if (canonical is not null)
            {
                changed?.Add(canonical);
            }
        }

        return changed?.ToImmutable() ?? endpoint.Addresses;
    }

    /// <summary>
    /// The address itself when it is already canonical, its canonical form for another spelling of an IPv6 address,
    /// or null. An IPv4 address must already be canonical: "010.0.0.1" or "10.1" parse, but differently in
    /// different parsers. No zone ("%eth0"), prefix or port.
    /// </summary>
    internal static string? CanonicalOrNull(string address, AddressFamily family)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != family || address.Contains('%'))
        {
            return null;
        }

        Span<char> text = stackalloc char[64];
        if (ip.TryFormat(text, out var written) && text[..written].SequenceEqual(address))
        {
            return address;
        }

        return family == AddressFamily.InterNetworkV6 ? ip.ToString() : null;
    }
}
