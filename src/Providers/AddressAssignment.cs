using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// Which addresses a load balancer ends up with for an <see cref="AddressRequest"/>, for a provider that keeps its own
/// pools: every family's address is kept when the load balancer has one (and no other one of that family is chosen),
/// else claimed from that family's pool. Pure but for <c>claim</c>.
/// </summary>
public static class AddressAssignment
{
    /// <param name="current">The addresses the load balancer has, primary first; empty for a new one.</param>
    /// <param name="claim">Claims an address of a family from its pool: the chosen one, or (null) the next free one.</param>
    /// <returns>The addresses, primary first.</returns>
    /// <exception cref="AddressUnavailableException">The chosen address is of a family not asked for.</exception>
    public static IReadOnlyList<string> Resolve(AddressRequest request, IReadOnlyList<string> current, Func<IpFamily, string?, string> claim)
    {
        if (request.Address is { } address && !request.Families.Contains(AddressRequest.FamilyOf(address)))
        {
            throw new AddressUnavailableException($"address {address} is {AddressRequest.FamilyOf(address)}, but only {request.Primary} is asked for");
        }

        return [.. request.Families.Select(family =>
        {
            var chosen = request.Address is { } a && AddressRequest.FamilyOf(a) == family ? a : null;
            var held = current.FirstOrDefault(h => AddressRequest.FamilyOf(h) == family);
            return held is not null && (chosen is null || chosen == held) ? held : claim(family, chosen);
        })];
    }
}
