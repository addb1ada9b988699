using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

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
    public void Families_one_address_can_satisfy_are_planned(string[] families, string? policy, string? requested)
    {
        var desired = Desired(Observation(With(families, policy, requested)));

        Assert.Empty(desired.Errors);
        Assert.Equal(requested, desired.LoadBalancer!.Address);
    }

    [Theory]
    [InlineData(new[] { "IPv6" }, "SingleStack", null, "without a requested address the load balancer gets an IPv4 address")]
    [InlineData(new[] { "IPv6" }, null, "192.0.2.10", "the requested address 192.0.2.10 is IPv4")]
    [InlineData(new[] { "IPv4" }, "SingleStack", "2001:db8::10", "the requested address 2001:db8::10 is IPv6")]
    [InlineData(new[] { "IPv4", "IPv6" }, "RequireDualStack", null, "dual stack is not supported yet")]
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

    private static ServiceSnapshot With(string[] families, string? policy, string? requested) =>
        Service() with { IpFamilies = [.. families], IpFamilyPolicy = policy, LoadBalancerIP = requested };
}
