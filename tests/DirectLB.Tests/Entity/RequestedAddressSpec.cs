using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Providers.Model;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// A Service's requested address (spec.loadBalancerIP or directlb.io/address) against the simulated cloud, whose
/// address pool is 127.0.201.0/24: given, kept when the load balancer is provisioned again, moved to when it changes,
/// and refused with an Event, the load balancer kept where it is, when the cloud cannot give it.
/// </summary>
public class RequestedAddressSpec : EntitySpec
{
    private static readonly ReconcileOptions Reading = FastOptions with { ReadBackInterval = TimeSpan.FromMilliseconds(300) };

    private static readonly LoadBalancerOwner Other = new(LoadBalancerOwner.AllClusters, "shop", "other", "uid-9", Planner.Installation);

    private LoadBalancerInfo Ours => Cloud.LoadBalancers.Single(lb => Owner.Owns(lb.Tags));

    [Fact]
    public async Task A_load_balancer_deleted_behind_its_back_is_provisioned_again_at_the_requested_address()
    {
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Requesting("127.0.201.50"), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        var first = Ours;
        AwaitAssert(() => Assert.Contains($"ingress {Cluster} {Key} [127.0.201.50]", Writer.Writes), Deadline);

        await Cloud.EnsureLoadBalancerDeletedAsync(first.Ref, CancellationToken.None);

        AwaitAssert(() => Assert.NotEqual(first.Id, Ours.Id), Deadline);
        AwaitTargets(Serving("10.244.1.5"));
        Assert.Equal(("127.0.201.50", "127.0.201.50"), (first.Address, Ours.Address));
    }

    [Fact]
    public void A_changed_requested_address_moves_the_same_load_balancer_and_the_status_follows()
    {
        var entity = StartEntity();
        entity.Tell(Observed(Requesting("127.0.201.50"), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        var first = Ours;

        entity.Tell(Observed(Requesting("127.0.201.51", resourceVersion: "11"), Ready("10.244.1.5")));

        AwaitAssert(() => Assert.Equal((first.Id, "127.0.201.51"), (Ours.Id, Ours.Address)), Deadline);
        AwaitAssert(() => Assert.Contains($"ingress {Cluster} {Key} [127.0.201.51]", Writer.Writes), Deadline);
        Assert.Equal([Serving("10.244.1.5")], Ours.Listeners.Single().Targets);
    }

    [Fact]
    public async Task An_address_another_load_balancer_holds_is_refused_with_an_Event_and_the_load_balancer_stays_and_follows_its_pods()
    {
        var holder = await Cloud.EnsureLoadBalancerAsync(Other, "shop-other", "127.0.201.60", CancellationToken.None);
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitOurTargets(Serving("10.244.1.5"));
        var kept = Ours;

        entity.Tell(Observed(Requesting("127.0.201.60", resourceVersion: "11"), Ready("10.244.1.5"), Ready("10.244.1.6")));

        AwaitAssert(
            () => Assert.Contains(Writer.Events, e => e.Reason == ServiceEventReason.InvalidConfiguration && e.IsWarning
                && e.Message.Contains("requested address refused") && e.Message.Contains("127.0.201.60 belongs to another load balancer")),
            Deadline);
        AwaitOurTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        Assert.Equal((kept.Id, kept.Address), (Ours.Id, Ours.Address));

        // Once the address is free, the next read-back asks for it again.
        await Cloud.EnsureLoadBalancerDeletedAsync(holder.Ref, CancellationToken.None);
        AwaitAssert(() => Assert.Equal((kept.Id, "127.0.201.60"), (Ours.Id, Ours.Address)), Deadline);
    }

    [Fact]
    public void An_address_outside_the_pool_creates_nothing_and_says_why()
    {
        var entity = StartEntity();
        entity.Tell(Observed(Requesting("192.0.2.10"), Ready("10.244.1.5")));

        AwaitAssert(
            () => Assert.Contains(Writer.Events, e => e.Reason == ServiceEventReason.InvalidConfiguration
                && e.Message.Contains("address 192.0.2.10 is not in the simulated address pool")),
            Deadline);
        Assert.Empty(Cloud.LoadBalancers);
    }

    private void AwaitOurTargets(params TargetSpec[] expected) =>
        AwaitAssert(() => Assert.Equal(expected, Ours.Listeners.Single().Targets.OrderBy(t => t.Key).ToArray()), Deadline);

    private static ServiceSnapshot Requesting(string address, string resourceVersion = "10") =>
        Service(resourceVersion: resourceVersion) with { LoadBalancerIP = address };
}
