using System.Text.Json.Serialization;

namespace DirectLB.Providers.Model;

/// <summary>An IP family, written as Kubernetes writes it in <c>spec.ipFamilies</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IpFamily>))]
public enum IpFamily
{
    [JsonStringEnumMemberName("IPv4")]
    IPv4,

    [JsonStringEnumMemberName("IPv6")]
    IPv6,
}

/// <summary>
/// The addresses a load balancer is asked to have: one of <see cref="Primary"/>'s family, and with
/// <see cref="DualStack"/> one of the other family too. <see cref="Address"/>, when set, is the address of its family the
/// caller chose (a Service's requested address); the provider chooses the others. Compared by value.
/// </summary>
public sealed record AddressRequest(IpFamily Primary, bool DualStack, string? Address = null)
{
    /// <summary>The other family: the second address of a dual-stack load balancer.</summary>
    [JsonIgnore]
    public IpFamily Secondary => Primary == IpFamily.IPv4 ? IpFamily.IPv6 : IpFamily.IPv4;

    /// <summary>The families asked for, primary first.</summary>
    [JsonIgnore]
    public IReadOnlyList<IpFamily> Families => DualStack ? [Primary, Secondary] : [Primary];

    /// <summary>The addresses as they are: <paramref name="addresses"/>' families (primary first), no address chosen.</summary>
    public static AddressRequest Of(IReadOnlyList<string> addresses) =>
        new(FamilyOf(addresses[0]), addresses.Count > 1);

    /// <summary>The families listed (one, or both in order) with an optional chosen address; null when the list is not that.</summary>
    public static AddressRequest? FromFamilies(IReadOnlyList<IpFamily>? families, string? address) =>
        families is [var one] ? new AddressRequest(one, false, address)
        : families is [var first, var second] && first != second ? new AddressRequest(first, true, address)
        : null;

    /// <summary>The family of an address as DirectLB writes addresses (IPv6 has colons, IPv4 none).</summary>
    public static IpFamily FamilyOf(string address) => address.Contains(':') ? IpFamily.IPv6 : IpFamily.IPv4;

    /// <summary>
    /// Whether a load balancer with <paramref name="addresses"/> (primary first) has what is asked: the families in
    /// order, one address each, and the chosen address among them.
    /// </summary>
    public bool IsMetBy(IReadOnlyList<string> addresses) =>
        addresses.Count == Families.Count
        && addresses.Select(FamilyOf).SequenceEqual(Families)
        && (Address is null || addresses.Contains(Address, StringComparer.Ordinal));

    public override string ToString() =>
        string.Join(" and ", Families) + (Address is null ? "" : $" ({Address} requested)");
}
