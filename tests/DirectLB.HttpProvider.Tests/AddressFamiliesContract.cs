using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Model;
using static DirectLB.Providers.Http.Tests.Support.Samples;

namespace DirectLB.Providers.Http.Tests;

/// <summary>
/// What a provider that declares both address families (dual stack) must do, run against each one that declares them
/// (see ContractTargets.cs): a load balancer gets one address of each family asked for, primary first, keeps them with
/// its listeners and targets when readdressed, gives one back when its family is no longer asked for, and a refused
/// address changes nothing. Written so one IPv6 address is enough (the lb-agent's pool is ::1 alone).
/// </summary>
public abstract class AddressFamiliesContract
{
    private static readonly LoadBalancerOwner Api = Owner with { Name = "api", ServiceUid = "uid-api" };

    private static readonly AddressRequest Dual = new(IpFamily.IPv4, DualStack: true);

    protected abstract Task<ProviderUnderTest> StartAsync();

    [Fact]
    public async Task A_dual_stack_load_balancer_gets_an_address_of_each_family_primary_first_and_reads_back_with_both()
    {
        await using var sut = await StartAsync();
        var families = Families(sut);

        var created = await families.EnsureLoadBalancerAsync(Owner, "shop-web", Dual, CancellationToken.None);
        var again = await families.EnsureLoadBalancerAsync(Owner, "shop-web", Dual, CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(created.Ref, WebListener, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(created.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);
        var found = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        var listed = Assert.Single((await sut.Provider.ListLoadBalancersAsync(Ours, null, CancellationToken.None)).Items);

        Assert.True(sut.Provider.Capabilities.SupportsDualStack);
        Assert.Equal([IpFamily.IPv4, IpFamily.IPv6], created.Addresses.Select(AddressRequest.FamilyOf));
        Assert.Equal(created.Address, created.Addresses[0]);
        Assert.Equal(created.Addresses, again.Addresses);
        Assert.Equal(created.Addresses, found!.Addresses);
        Assert.Equal(created.Addresses, listed.Addresses);
        Assert.Equal([Serving("10.244.1.5")], found.Listeners.Single().Targets);
    }

    [Fact]
    public async Task The_first_family_asked_for_is_the_primary_address()
    {
        await using var sut = await StartAsync();

        var created = await Families(sut).EnsureLoadBalancerAsync(Owner, "shop-web", new AddressRequest(IpFamily.IPv6, DualStack: true), CancellationToken.None);
        var single = await Families(sut).EnsureLoadBalancerAsync(Api, "shop-api", new AddressRequest(IpFamily.IPv4, DualStack: false), CancellationToken.None);

        Assert.Equal([IpFamily.IPv6, IpFamily.IPv4], created.Addresses.Select(AddressRequest.FamilyOf));
        Assert.Equal([IpFamily.IPv4], single.Addresses.Select(AddressRequest.FamilyOf));
    }

    [Fact]
    public async Task Readdressing_adds_and_gives_back_the_other_family_keeping_the_address_listeners_and_targets_it_has()
    {
        await using var sut = await StartAsync();
        var families = Families(sut);
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);

        var dual = await families.ReaddressLoadBalancerAsync(lb.Ref, Dual, CancellationToken.None);
        var unchanged = await families.ReaddressLoadBalancerAsync(lb.Ref, Dual, CancellationToken.None);
        var single = await families.ReaddressLoadBalancerAsync(lb.Ref, Dual with { DualStack = false }, CancellationToken.None);
        var other = await families.EnsureLoadBalancerAsync(Api, "shop-api", new AddressRequest(IpFamily.IPv6, DualStack: false, dual.SecondaryAddress), CancellationToken.None);
        var found = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);

        Assert.Equal([lb.Address, dual.SecondaryAddress!], dual.Addresses);
        Assert.Equal(IpFamily.IPv6, AddressRequest.FamilyOf(dual.SecondaryAddress!));
        Assert.Equal(dual.Addresses, unchanged.Addresses);
        Assert.Equal([lb.Address], single.Addresses);
        Assert.Equal(dual.SecondaryAddress, other.Address); // the IPv6 address went back to the pool: another can have it
        Assert.Equal(lb.Id, found!.Id);
        Assert.Equal([lb.Address], found.Addresses);
        Assert.Equal(WebListener, found.Listeners.Single().Spec);
        Assert.Equal([Serving("10.244.1.5")], found.Listeners.Single().Targets);
    }

    [Fact]
    public async Task An_address_of_another_load_balancer_is_refused_on_create_and_on_readdress_and_nothing_changes()
    {
        await using var sut = await StartAsync();
        var families = Families(sut);
        var holder = await families.EnsureLoadBalancerAsync(Api, "shop-api", Dual, CancellationToken.None);
        var taken = holder.SecondaryAddress!;

        var onCreate = await Assert.ThrowsAsync<AddressUnavailableException>(() => families.EnsureLoadBalancerAsync(Owner, "shop-web", Dual with { Address = taken }, CancellationToken.None));
        Assert.Null(await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None));
        var lb = await families.EnsureLoadBalancerAsync(Owner, "shop-web", Dual with { DualStack = false }, CancellationToken.None);
        var onReaddress = await Assert.ThrowsAsync<AddressUnavailableException>(() => families.ReaddressLoadBalancerAsync(lb.Ref, Dual with { Address = taken }, CancellationToken.None));
        var unmoved = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);

        await sut.Provider.EnsureLoadBalancerDeletedAsync(holder.Ref, CancellationToken.None);
        var given = await families.ReaddressLoadBalancerAsync(lb.Ref, Dual with { Address = taken }, CancellationToken.None);

        Assert.False(onCreate.Retryable);
        Assert.False(onReaddress.Retryable);
        Assert.Equal(lb.Addresses, unmoved!.Addresses);
        Assert.Equal([lb.Address, taken], given.Addresses);
    }

    private static IAddressFamiliesProvider Families(ProviderUnderTest sut) => Assert.IsAssignableFrom<IAddressFamiliesProvider>(sut.Provider);
}
