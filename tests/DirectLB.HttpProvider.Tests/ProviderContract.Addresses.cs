using DirectLB.Providers.Model;
using static DirectLB.Providers.Http.Tests.Support.Samples;

namespace DirectLB.Providers.Http.Tests;

/// <summary>
/// Requested addresses (a Service's spec.loadBalancerIP): given at creation, moved to later with listeners and targets
/// kept, and refused, changing nothing, when outside the pool or another load balancer's. Every target's pool differs,
/// so the tests take their addresses from what the pool hands out.
/// </summary>
public abstract partial class ProviderContract
{
    private static readonly LoadBalancerOwner Api = Owner with { Name = "api", ServiceUid = "uid-api" };

    /// <summary>In no pool of any target: TEST-NET-3.</summary>
    private const string Outside = "203.0.113.7";

    [Fact]
    public async Task A_load_balancer_is_created_at_a_requested_address_of_the_pool_and_refused_one_outside_it_or_taken()
    {
        await using var sut = await StartAsync();
        var chooser = Assert.IsAssignableFrom<IChosenAddressProvider>(sut.Provider);
        var holder = await sut.Provider.EnsureLoadBalancerAsync(Api, "shop-api", CancellationToken.None);

        var taken = await Assert.ThrowsAsync<AddressUnavailableException>(() => chooser.EnsureLoadBalancerAsync(Owner, "shop-web", holder.Address, CancellationToken.None));
        var outside = await Assert.ThrowsAsync<AddressUnavailableException>(() => chooser.EnsureLoadBalancerAsync(Owner, "shop-web", Outside, CancellationToken.None));
        Assert.Null(await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None));

        await sut.Provider.EnsureLoadBalancerDeletedAsync(holder.Ref, CancellationToken.None);
        var created = await chooser.EnsureLoadBalancerAsync(Owner, "shop-web", holder.Address, CancellationToken.None);

        Assert.True(sut.Provider.Capabilities.SupportsRequestedAddress);
        Assert.False(taken.Retryable);
        Assert.Contains(Outside, outside.Message);
        Assert.Equal(holder.Address, created.Address);
        Assert.Equal(holder.Address, (await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Address);
    }

    [Fact]
    public async Task A_load_balancer_moves_to_a_free_address_with_its_listeners_and_targets_and_a_refused_move_changes_nothing()
    {
        await using var sut = await StartAsync();
        var chooser = Assert.IsAssignableFrom<IChosenAddressProvider>(sut.Provider);
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);
        var other = await sut.Provider.EnsureLoadBalancerAsync(Api, "shop-api", CancellationToken.None);

        await Assert.ThrowsAsync<AddressUnavailableException>(() => chooser.MoveLoadBalancerAsync(lb.Ref, other.Address, CancellationToken.None));
        await Assert.ThrowsAsync<AddressUnavailableException>(() => chooser.MoveLoadBalancerAsync(lb.Ref, Outside, CancellationToken.None));
        var unmoved = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);

        await sut.Provider.EnsureLoadBalancerDeletedAsync(other.Ref, CancellationToken.None);
        var moved = await chooser.MoveLoadBalancerAsync(lb.Ref, other.Address, CancellationToken.None);
        var again = await chooser.MoveLoadBalancerAsync(lb.Ref, other.Address, CancellationToken.None);
        var found = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        var reused = await chooser.EnsureLoadBalancerAsync(Api, "shop-api", lb.Address, CancellationToken.None);

        Assert.Equal(lb.Address, unmoved!.Address);
        Assert.Equal((lb.Id, other.Address), (moved.Id, moved.Address));
        Assert.Equal(other.Address, again.Address);
        Assert.Equal((lb.Id, other.Address), (found!.Id, found.Address));
        Assert.Equal(WebListener, found.Listeners.Single().Spec);
        Assert.Equal([Serving("10.244.1.5")], found.Listeners.Single().Targets);
        Assert.Equal(lb.Address, reused.Address); // the old address went back to the pool
    }
}
