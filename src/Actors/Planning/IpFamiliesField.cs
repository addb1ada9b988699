using DirectLB.Actors.Domain;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// <c>spec.ipFamilies</c> and <c>spec.ipFamilyPolicy</c>: which IP families the load balancer's addresses are of.
/// <c>SingleStack</c> gives one address of the first family listed; <c>RequireDualStack</c> one of each, or an error where
/// the provider cannot give both; <c>PreferDualStack</c> one of each where the provider can, else one of the first family
/// listed it can give, with a notice saying why. No families listed (an API server older than dual stack) means the
/// requested address's family, else IPv4. A requested address must be of a family listed. A Service never silently
/// gets an address of a family it did not ask for. A provider that declares no address families gives one address: of
/// the requested address's family, else IPv4.
/// </summary>
public static class IpFamiliesField
{
    private const string SingleStack = "SingleStack";
    private const string PreferDualStack = "PreferDualStack";
    private const string RequireDualStack = "RequireDualStack";

    /// <summary>
    /// The families to ask the provider for (with <paramref name="requested"/>), null for a provider that declares none or
    /// when an error was added.
    /// </summary>
    public static AddressRequest? Resolve(ServiceSnapshot service, string? requested, ProviderCapabilities capabilities, List<string> errors, List<string> notices)
    {
        if (Listed(service, errors) is not { } listed)
        {
            return null;
        }

        var policy = service.IpFamilyPolicy ?? SingleStack;
        if (policy is not (SingleStack or PreferDualStack or RequireDualStack) || (policy == SingleStack && listed.Count > 1))
        {
            errors.Add($"spec.ipFamilyPolicy '{Quote.Short(policy)}' must be SingleStack (with one family), PreferDualStack or RequireDualStack");
            return null;
        }

        var requestedFamily = requested is null ? (IpFamily?)null : AddressRequest.FamilyOf(requested);
        if (listed.Count == 0)
        {
            listed = [requestedFamily ?? IpFamily.IPv4];
        }

        if (requestedFamily is { } family && !listed.Contains(family))
        {
            errors.Add($"spec.ipFamilies is [{string.Join(", ", listed)}], but the requested address {requested} is {family}");
            return null;
        }

        var declared = capabilities.AddressFamilies.Count > 0;
        // A provider that declares no families gives one address: the requested one, else one it chooses, IPv4.
        var capable = declared ? capabilities.AddressFamilies : new HashSet<IpFamily> { requestedFamily ?? IpFamily.IPv4 };
        var wanted = Choose(policy, listed, requestedFamily, capable, errors, notices);
        return wanted is not null && declared ? wanted with { Address = requested } : null;
    }

    private static AddressRequest? Choose(
        string policy, List<IpFamily> listed, IpFamily? requestedFamily, IReadOnlySet<IpFamily> capable, List<string> errors, List<string> notices)
    {
        var both = capable.Contains(IpFamily.IPv4) && capable.Contains(IpFamily.IPv6);
        var gives = both ? "both IPv4 and IPv6" : capable.Count == 0 ? "no" : $"only {string.Join(", ", capable.Order())}";
        if (policy == RequireDualStack)
        {
            if (!both)
            {
                errors.Add($"spec.ipFamilyPolicy is RequireDualStack, but the load balancer provider gives {gives} addresses (see the provider's IPv6 pool)");
                return null;
            }

            return new AddressRequest(listed[0], DualStack: true);
        }

        if (policy == PreferDualStack && listed.Count == 2 && both)
        {
            return new AddressRequest(listed[0], DualStack: true);
        }

        // One family: the requested address's, else the first listed the provider gives.
        var one = requestedFamily ?? listed.Cast<IpFamily?>().FirstOrDefault(f => capable.Contains(f!.Value)) ?? listed[0];
        if (!capable.Contains(one))
        {
            errors.Add(requestedFamily is null && capable.SetEquals([IpFamily.IPv4]) && !both
                ? $"spec.ipFamilies is [{string.Join(", ", listed)}], but without a requested address the load balancer gets an IPv4 address (request an IPv6 one with spec.loadBalancerIP, or give the provider an IPv6 pool)"
                : $"spec.ipFamilies asks for {one}, but the load balancer provider gives {gives} addresses");
            return null;
        }

        if (policy == PreferDualStack && listed.Count == 2)
        {
            notices.Add($"spec.ipFamilyPolicy is PreferDualStack, but the load balancer provider gives {gives} addresses: the load balancer gets one {one} address");
        }

        return new AddressRequest(one, DualStack: false);
    }

    /// <summary>The families listed, each IPv4 or IPv6 and once; null with an error added when they are not.</summary>
    private static List<IpFamily>? Listed(ServiceSnapshot service, List<string> errors)
    {
        var families = service.IpFamilies;
        var parsed = families.Select(f => f switch { "IPv4" => IpFamily.IPv4, "IPv6" => IpFamily.IPv6, _ => (IpFamily?)null }).ToList();
        if (parsed.Any(f => f is null) || parsed.Distinct().Count() != parsed.Count)
        {
            errors.Add($"spec.ipFamilies [{string.Join(", ", families.Take(3).Select(f => Quote.Short(f)))}] must list IPv4, IPv6 or both, each once");
            return null;
        }

        return [.. parsed.Select(f => f!.Value)];
    }
}
