using System.Net.Sockets;
using DirectLB.Actors.Domain;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// The address a Service asks for: <c>spec.loadBalancerIP</c> (deprecated upstream, still what manifests carry) or the
/// <c>directlb.io/address</c> annotation. Both may be set only to the same address. The planner checks the spelling
/// and that the provider can give a chosen address at all; whether the address is in the provider's pool and free is
/// the provider's to say, when it is asked (an <see cref="AddressUnavailableException"/>).
/// </summary>
public static class RequestedAddressField
{
    public const string Annotation = ServiceAnnotations.Prefix + "address";

    /// <summary>The address in canonical form, null when none is requested, or null with an error added.</summary>
    public static string? Resolve(ServiceSnapshot service, ProviderCapabilities capabilities, List<string> errors)
    {
        var fromSpec = Read("spec.loadBalancerIP", service.LoadBalancerIP, errors, out var specBad);
        var fromAnnotation = Read($"annotation {Annotation}", service.Annotations.GetValueOrDefault(Annotation), errors, out var annotationBad);
        if (specBad || annotationBad)
        {
            return null;
        }

        if (fromSpec is not null && fromAnnotation is not null && fromSpec != fromAnnotation)
        {
            errors.Add($"spec.loadBalancerIP {fromSpec} and annotation {Annotation} {fromAnnotation} request different addresses; set one");
            return null;
        }

        var requested = fromSpec ?? fromAnnotation;
        if (requested is not null && !capabilities.SupportsRequestedAddress)
        {
            errors.Add($"address {requested} is requested, but the load balancer provider gives addresses itself");
            return null;
        }

        return requested;
    }

    /// <summary>
    /// The plan with the load balancer left at the addresses it has while the provider refuses to give it
    /// <paramref name="refused"/> (a <see cref="MoveLoadBalancer"/>'s address or a <see cref="ReaddressLoadBalancer"/>'s
    /// addresses): a refused address must not hold back the rest (pods keep coming and going). A load balancer not yet
    /// created is not held: it has no address to keep.
    /// </summary>
    public static DesiredState Holding(DesiredState desired, AppliedLoadBalancer? applied, ProviderOperation? refused) =>
        applied is not null && desired.LoadBalancer is { } wanted && refused switch
        {
            MoveLoadBalancer move => wanted.Addresses is null && wanted.Address == move.Address,
            ReaddressLoadBalancer readdress => wanted.Addresses == readdress.Addresses,
            _ => false,
        }
            ? desired with { LoadBalancer = wanted with { Address = applied.Address, Addresses = wanted.Addresses is null ? null : AddressRequest.Of(applied.Addresses) } }
            : desired;

    private static string? Read(string field, string? value, List<string> errors, out bool bad)
    {
        bad = false;
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            return null;
        }

        // Only what an address is written with: the parser would also take "[2001:db8::10]".
        var canonical = text.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':')
            ? EndpointAddresses.CanonicalOrNull(text, AddressFamily.InterNetwork) ?? EndpointAddresses.CanonicalOrNull(text, AddressFamily.InterNetworkV6)
            : null;
        if (canonical is not null)
        {
            return canonical;
        }

        bad = true;
        errors.Add($"{field} '{Quote.Short(text)}' is not an IP address (IPv4 as 192.0.2.10, IPv6 as 2001:db8::10; no prefix, port or zone)");
        return null;
    }
}
