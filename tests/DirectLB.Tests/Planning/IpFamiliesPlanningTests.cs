using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

/// <summary>
/// spec.ipFamilies × ipFamilyPolicy × what the provider declares (no families: one address as before; "4", "46", "6":
/// the families it gives) × a requested address.
/// </summary>
public class IpFamiliesPlanningTests
{
    [Theory]
    [InlineData(new string[0], null, null)]
    [InlineData(new[] { "IPv4" }, null, null)]
    [InlineData(new[] { "IPv4" }, "SingleStack", "192.0.2.10")]
    [InlineData(new[] { "IPv6" }, "SingleStack", "2001:db8::10")]
    [InlineData(new[] { "IPv4", "IPv6" }, "PreferDualStack", null)]
    [InlineData(new[] { "IPv6", "IPv4" }, "PreferDualStack", null)]
    [InlineData(new[] { "IPv6", "IPv4" }, "PreferDualStack", "2001:db8::10")]
    public void A_provider_that_declares_no_families_gives_one_address_where_that_satisfies_the_Service(string[] families, string? policy, string? requested)
    {
        var desired = Desired(Observation(With(families, policy, requested)));

        Assert.Empty(desired.Errors);
        Assert.Equal(requested, desired.LoadBalancer!.Address);
        Assert.Null(desired.LoadBalancer.Addresses);
    }

    [Theory]
    [InlineData(new[] { "IPv6" }, "SingleStack", null, "without a requested address the load balancer gets an IPv4 address")]
    [InlineData(new[] { "IPv6" }, null, "192.0.2.10", "the requested address 192.0.2.10 is IPv4")]
    [InlineData(new[] { "IPv4" }, "SingleStack", "2001:db8::10", "the requested address 2001:db8::10 is IPv6")]
    [InlineData(new[] { "IPv4", "IPv6" }, "RequireDualStack", null, "RequireDualStack, but the load balancer provider gives only IPv4 addresses")]
    [InlineData(new[] { "IPv4", "IPv6" }, "SingleStack", null, "spec.ipFamilyPolicy 'SingleStack' must be")]
    [InlineData(new[] { "IPv4" }, "DualStack", null, "spec.ipFamilyPolicy 'DualStack' must be")]
    [InlineData(new[] { "ipv4" }, null, null, "spec.ipFamilies [ipv4] must list")]
    [InlineData(new[] { "IPv4", "IPv4" }, "PreferDualStack", null, "must list IPv4, IPv6 or both, each once")]
    public void Families_one_address_cannot_satisfy_are_an_error_never_an_address_of_another_family(string[] families, string? policy, string? requested, string error)
    {
        var desired = Desired(Observation(With(families, policy, requested)));

        Assert.Null(desired.LoadBalancer);
        Assert.Contains(error, Assert.Single(desired.Errors));
    }

    [Theory]
    [InlineData(new[] { "IPv4" }, "SingleStack", null, "4", "IPv4", false)]
    [InlineData(new[] { "IPv4" }, "SingleStack", null, "46", "IPv4", false)]
    [InlineData(new[] { "IPv6" }, "SingleStack", null, "46", "IPv6", false)]
    [InlineData(new[] { "IPv6" }, "SingleStack", "2001:db8::10", "46", "IPv6", false)]
    [InlineData(new string[0], null, null, "46", "IPv4", false)]
    [InlineData(new string[0], null, "2001:db8::10", "46", "IPv6", false)]
    [InlineData(new[] { "IPv4" }, "PreferDualStack", null, "46", "IPv4", false)]
    [InlineData(new[] { "IPv4", "IPv6" }, "PreferDualStack", null, "46", "IPv4", true)]
    [InlineData(new[] { "IPv6", "IPv4" }, "PreferDualStack", null, "46", "IPv6", true)]
    [InlineData(new[] { "IPv4", "IPv6" }, "PreferDualStack", "2001:db8::10", "46", "IPv4", true)]
    [InlineData(new[] { "IPv4", "IPv6" }, "RequireDualStack", null, "46", "IPv4", true)]
    [InlineData(new[] { "IPv6", "IPv4" }, "RequireDualStack", "192.0.2.10", "46", "IPv6", true)]
    public void The_families_asked_for_follow_the_policy_where_the_provider_gives_them(
        string[] families, string? policy, string? requested, string gives, string primary, bool dualStack)
    {
        var desired = Desired(Observation(With(families, policy, requested)), capabilities: Giving(gives));

        Assert.Empty(desired.Errors);
        Assert.Empty(desired.Notices);
        Assert.Equal(new AddressRequest(Enum.Parse<IpFamily>(primary), dualStack, requested), desired.LoadBalancer!.Addresses);
    }

    [Theory]
    [InlineData(new[] { "IPv4", "IPv6" }, null, "4", "IPv4")]
    [InlineData(new[] { "IPv6", "IPv4" }, null, "4", "IPv4")]
    [InlineData(new[] { "IPv6", "IPv4" }, "192.0.2.10", "4", "IPv4")]
    [InlineData(new[] { "IPv4", "IPv6" }, null, "6", "IPv6")]
    public void PreferDualStack_falls_back_to_one_family_the_provider_gives_and_says_why(string[] families, string? requested, string gives, string family)
    {
        var desired = Desired(Observation(With(families, "PreferDualStack", requested)), capabilities: Giving(gives));

        Assert.Empty(desired.Errors);
        Assert.Equal(new AddressRequest(Enum.Parse<IpFamily>(family), DualStack: false, requested), desired.LoadBalancer!.Addresses);
        Assert.Contains($"the load balancer gets one {family} address", Assert.Single(desired.Notices));
    }

    [Theory]
    [InlineData(new[] { "IPv4", "IPv6" }, "RequireDualStack", null, "4", "RequireDualStack, but the load balancer provider gives only IPv4 addresses")]
    [InlineData(new[] { "IPv6", "IPv4" }, "RequireDualStack", "192.0.2.10", "4", "RequireDualStack, but the load balancer provider gives only IPv4 addresses")]
    [InlineData(new[] { "IPv4", "IPv6" }, "RequireDualStack", null, "6", "gives only IPv6 addresses")]
    [InlineData(new[] { "IPv6" }, "SingleStack", null, "4", "without a requested address the load balancer gets an IPv4 address")]
    [InlineData(new[] { "IPv6", "IPv4" }, "PreferDualStack", "2001:db8::10", "4", "asks for IPv6, but the load balancer provider gives only IPv4 addresses")]
    [InlineData(new[] { "IPv4" }, "SingleStack", null, "6", "asks for IPv4, but the load balancer provider gives only IPv6 addresses")]
    [InlineData(new[] { "IPv4" }, "SingleStack", "2001:db8::10", "46", "the requested address 2001:db8::10 is IPv6")]
    public void Families_the_provider_cannot_give_are_an_error_and_nothing_is_planned(
        string[] families, string policy, string? requested, string gives, string error)
    {
        var desired = Desired(Observation(With(families, policy, requested)), capabilities: Giving(gives));

        Assert.Null(desired.LoadBalancer);
        Assert.Contains(error, Assert.Single(desired.Errors));
    }

    private static DirectLB.Providers.ProviderCapabilities Giving(string families) => Capabilities with
    {
        AddressFamilies = families.Select(f => f == '4' ? IpFamily.IPv4 : IpFamily.IPv6).ToHashSet(),
    };

    private static ServiceSnapshot With(string[] families, string? policy, string? requested) =>
        Service() with { IpFamilies = [.. families], IpFamilyPolicy = policy, LoadBalancerIP = requested };
}
