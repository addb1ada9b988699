using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

public class RequestedAddressPlanningTests
{
    [Theory]
    [InlineData("192.0.2.10", null, "192.0.2.10")]
    [InlineData(null, "192.0.2.10", "192.0.2.10")]
    [InlineData("192.0.2.10", "192.0.2.10", "192.0.2.10")]
    [InlineData(" 192.0.2.10 ", null, "192.0.2.10")]
    [InlineData("2001:DB8:0::10", null, "2001:db8::10")]
    [InlineData(null, "2001:db8::10", "2001:db8::10")]
    [InlineData("", null, null)]
    [InlineData(null, null, null)]
    public void The_requested_address_from_the_spec_or_the_annotation_is_planned_in_canonical_form(string? spec, string? annotation, string? planned)
    {
        var desired = Desired(Observation(WithAddress(spec, annotation)));

        Assert.Empty(desired.Errors);
        Assert.Equal(planned, desired.LoadBalancer!.Address);
    }

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("10.1")]
    [InlineData("192.0.2.256")]
    [InlineData("192.0.2.10/32")]
    [InlineData("192.0.2.10:80")]
    [InlineData("fe80::1%eth0")]
    [InlineData("lb.example.com")]
    [InlineData("[2001:db8::10]")]
    public void A_spec_address_that_is_not_an_IP_address_is_an_error_and_nothing_is_planned(string value)
    {
        var desired = Desired(Observation(WithAddress(value, null)));

        Assert.Null(desired.LoadBalancer);
        Assert.StartsWith("spec.loadBalancerIP '", Assert.Single(desired.Errors));
    }

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("any")]
    public void An_annotated_address_that_is_not_an_IP_address_is_an_error(string value)
    {
        var desired = Desired(Observation(WithAddress(null, value)));

        Assert.Null(desired.LoadBalancer);
        Assert.StartsWith($"annotation {RequestedAddressField.Annotation} '", Assert.Single(desired.Errors));
    }

    [Fact]
    public void Two_different_addresses_in_the_spec_and_the_annotation_are_an_error()
    {
        var desired = Desired(Observation(WithAddress("192.0.2.10", "192.0.2.11")));

        Assert.Null(desired.LoadBalancer);
        Assert.Contains("request different addresses", Assert.Single(desired.Errors));
    }

    [Fact]
    public void A_provider_that_gives_addresses_itself_gets_an_error_not_an_address_it_would_ignore()
    {
        var desired = Desired(Observation(WithAddress("192.0.2.10", null)), capabilities: Capabilities with { SupportsRequestedAddress = false });

        Assert.Null(desired.LoadBalancer);
        Assert.Contains("gives addresses itself", Assert.Single(desired.Errors));
    }

    [Fact]
    public void A_new_load_balancer_is_provisioned_at_the_requested_address()
    {
        var desired = Desired(Observation(WithAddress("192.0.2.10", null), Slice("a", [Ready("10.244.1.5")])));

        var provision = Assert.IsType<ProvisionLoadBalancer>(Assert.Single(LoadBalancerDiff.Between(desired.LoadBalancer, null, Now)));

        Assert.Equal("192.0.2.10", provision.Address);
    }

    [Fact]
    public void A_changed_requested_address_moves_the_load_balancer_and_leaves_its_listeners_and_targets_alone()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(WithAddress("127.0.201.9", null), Slice("a", [Ready("10.244.1.5")])));

        var move = Assert.IsType<MoveLoadBalancer>(Assert.Single(LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now)));

        Assert.Equal(new MoveLoadBalancer(applied.Id, "127.0.201.9"), move);
    }

    [Fact]
    public void A_load_balancer_already_at_the_requested_address_is_left_alone()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(WithAddress(applied.Address, null), Slice("a", [Ready("10.244.1.5")])));

        Assert.Empty(LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now));
    }

    [Fact]
    public void Dropping_the_requested_address_keeps_the_load_balancer_where_it_is()
    {
        var applied = Applied(AppliedServing("10.244.1.5")) with { Address = "127.0.201.9" };
        var desired = Desired(Observation(Service(), Slice("a", [Ready("10.244.1.5")])));

        Assert.Empty(LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now));
    }

    [Fact]
    public void A_refused_address_holds_the_load_balancer_where_it_is_while_the_rest_goes_on()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(WithAddress("127.0.201.9", null), Slice("a", [Ready("10.244.1.5"), Ready("10.244.1.6")])));

        var held = LoadBalancerDiff.Between(RequestedAddressField.Holding(desired, applied, refused: new MoveLoadBalancer(applied.Id, "127.0.201.9")).LoadBalancer, applied, Now);
        var another = LoadBalancerDiff.Between(RequestedAddressField.Holding(desired, applied, refused: new MoveLoadBalancer(applied.Id, "127.0.201.8")).LoadBalancer, applied, Now);
        var notYetCreated = RequestedAddressField.Holding(desired, applied: null, refused: new MoveLoadBalancer(applied.Id, "127.0.201.9"));

        Assert.IsType<ChangeTargets>(Assert.Single(held));
        Assert.IsType<MoveLoadBalancer>(another[0]);
        Assert.Equal("127.0.201.9", notYetCreated.LoadBalancer!.Address);
    }

    private static ServiceSnapshot WithAddress(string? spec, string? annotation) =>
        Service(annotations: annotation is null ? null : new Dictionary<string, string> { [RequestedAddressField.Annotation] = annotation }) with { LoadBalancerIP = spec };
}
