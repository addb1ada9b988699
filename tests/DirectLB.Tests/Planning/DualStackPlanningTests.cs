using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

/// <summary>What the diff, the drift check and a refused readdress make of a load balancer's addresses, one per family.</summary>
public class DualStackPlanningTests
{
    private static readonly ProviderCapabilities DualStackProvider = Capabilities with { AddressFamilies = new HashSet<IpFamily> { IpFamily.IPv4, IpFamily.IPv6 } };

    private static readonly AddressRequest Dual = new(IpFamily.IPv4, DualStack: true);

    [Fact]
    public void A_new_dual_stack_load_balancer_is_provisioned_asking_for_both_families()
    {
        var desired = Desired(Observation(DualStack(), Slice("a", [Ready("10.244.1.5")])), capabilities: DualStackProvider);

        var provision = Assert.IsType<ProvisionLoadBalancer>(Assert.Single(LoadBalancerDiff.Between(desired.LoadBalancer, null, Now)));

        Assert.Equal(Dual, provision.Addresses);
    }

    [Fact]
    public void A_single_stack_load_balancer_whose_Service_turns_dual_stack_is_readdressed_keeping_its_listeners_and_targets()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(DualStack(), Slice("a", [Ready("10.244.1.5")])), capabilities: DualStackProvider);

        Assert.Equal(new ReaddressLoadBalancer(applied.Id, Dual), Assert.Single(LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now)));
    }

    [Theory]
    [InlineData(null, "IPv4")]
    [InlineData("SingleStack", "IPv4")]
    public void A_dual_stack_load_balancer_whose_Service_turns_single_stack_gives_up_the_other_address(string? policy, string family)
    {
        var applied = Applied(AppliedServing("10.244.1.5")) with { SecondaryAddress = "fd00:db8:201::1" };
        var desired = Desired(Observation(Service() with { IpFamilies = [family], IpFamilyPolicy = policy }, Slice("a", [Ready("10.244.1.5")])), capabilities: DualStackProvider);

        Assert.Equal(new ReaddressLoadBalancer(applied.Id, new AddressRequest(IpFamily.IPv4, DualStack: false)), Assert.Single(LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("fd00:db8:201::1", true)]
    [InlineData("fd00:db8:201::9", false)]
    [InlineData("127.0.201.1", true)]
    public void A_dual_stack_load_balancer_with_both_addresses_is_left_alone_unless_another_address_is_requested(string? requested, bool leftAlone)
    {
        var applied = Applied(AppliedServing("10.244.1.5")) with { SecondaryAddress = "fd00:db8:201::1" };
        var desired = Desired(Observation(DualStack() with { LoadBalancerIP = requested }, Slice("a", [Ready("10.244.1.5")])), capabilities: DualStackProvider);

        var operations = LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now);

        Assert.Equal(leftAlone, operations.IsEmpty);
        Assert.All(operations, op => Assert.Equal(new ReaddressLoadBalancer(applied.Id, Dual with { Address = requested }), op));
    }

    [Fact]
    public void Families_the_other_way_round_readdress_so_the_first_listed_is_the_primary()
    {
        var applied = Applied(AppliedServing("10.244.1.5")) with { SecondaryAddress = "fd00:db8:201::1" };
        var desired = Desired(Observation(DualStack() with { IpFamilies = ["IPv6", "IPv4"] }, Slice("a", [Ready("10.244.1.5")])), capabilities: DualStackProvider);

        var readdress = Assert.IsType<ReaddressLoadBalancer>(Assert.Single(LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now)));

        Assert.Equal(new AddressRequest(IpFamily.IPv6, DualStack: true), readdress.Addresses);
    }

    [Fact]
    public void A_refused_readdress_holds_the_load_balancer_at_its_addresses_while_the_rest_goes_on()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(DualStack(), Slice("a", [Ready("10.244.1.5"), Ready("10.244.1.6")])), capabilities: DualStackProvider);

        var held = RequestedAddressField.Holding(desired, applied, new ReaddressLoadBalancer(applied.Id, Dual));
        var other = RequestedAddressField.Holding(desired, applied, new ReaddressLoadBalancer(applied.Id, Dual with { Primary = IpFamily.IPv6 }));

        Assert.IsType<ChangeTargets>(Assert.Single(LoadBalancerDiff.Between(held.LoadBalancer, applied, Now)));
        Assert.IsType<ReaddressLoadBalancer>(LoadBalancerDiff.Between(other.LoadBalancer, applied, Now)[0]);
    }

    [Theory]
    [InlineData("fd00:db8:201::1", "fd00:db8:201::2")]
    [InlineData("fd00:db8:201::1", null)]
    [InlineData(null, "fd00:db8:201::1")]
    public void A_second_address_changed_lost_or_gained_behind_our_back_is_drift(string? applied, string? observed)
    {
        var journal = Applied() with { SecondaryAddress = applied };
        var running = new LoadBalancerInfo(journal.Id, journal.Name, journal.Address, Owner.ToTags(), [new ListenerInfo(HttpSpec, [])]) { SecondaryAddress = observed };

        var finding = Assert.Single(LoadBalancerDrift.Between(journal, running));

        Assert.Equal(DriftKind.AddressChanged, finding.Kind);
    }

    private static ServiceSnapshot DualStack() =>
        Service() with { IpFamilies = ["IPv4", "IPv6"], IpFamilyPolicy = "RequireDualStack" };
}
