using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Planning;

/// <summary>
/// <c>spec.ipFamilies</c> and <c>spec.ipFamilyPolicy</c>, checked against what DirectLB gives: one address, of the family
/// of the requested address (IPv4 when none is requested). A Service whose families that one address cannot satisfy
/// (<c>RequireDualStack</c>, or a single stack of the other family) is told so; it never silently gets an address of a
/// family it did not ask for. <c>PreferDualStack</c> is satisfied by one address of a listed family.
/// </summary>
public static class IpFamiliesField
{
    private static readonly string[] Families = ["IPv4", "IPv6"];

    /// <summary>Adds an error when the families are malformed or cannot be given with <paramref name="requested"/>.</summary>
    public static void Check(ServiceSnapshot service, string? requested, List<string> errors)
    {
        var families = service.IpFamilies;
        var policy = service.IpFamilyPolicy ?? "SingleStack";
        if (families.Any(f => !Families.Contains(f, StringComparer.Ordinal)) || families.Distinct(StringComparer.Ordinal).Count() != families.Length)
        {
            errors.Add($"spec.ipFamilies [{string.Join(", ", families.Take(3).Select(f => Quote.Short(f)))}] must list IPv4, IPv6 or both, each once");
            return;
        }

        if (policy is not ("SingleStack" or "PreferDualStack" or "RequireDualStack") || (policy == "SingleStack" && families.Length > 1))
        {
            errors.Add($"spec.ipFamilyPolicy '{Quote.Short(policy)}' must be SingleStack (with one family), PreferDualStack or RequireDualStack");
            return;
        }

        var given = requested?.Contains(':') == true ? "IPv6" : "IPv4";
        if (policy == "RequireDualStack")
        {
            errors.Add("spec.ipFamilyPolicy is RequireDualStack, but DirectLB gives a load balancer one address (dual stack is not supported yet)");
        }
        else if (families.Length > 0 && !families.Contains(given, StringComparer.Ordinal))
        {
            errors.Add(requested is null
                ? $"spec.ipFamilies is [{string.Join(", ", families)}], but without a requested address the load balancer gets an IPv4 address (request an IPv6 one with spec.loadBalancerIP)"
                : $"spec.ipFamilies is [{string.Join(", ", families)}], but the requested address {requested} is {given}");
        }
    }

}
