using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

public class ServiceLoadBalancerStateTests
{
    private static readonly LoadBalancerInfo Created = new("lb-1", "shop-web", "127.0.201.1", Owner.ToTags(), []);

    private static readonly ProvisionLoadBalancer Provision = new(Owner, "shop-web", [new ProvisionedListener(HttpSpec, [Serving("10.244.1.5")])]);

    [Fact]
    public void A_started_operation_without_outcome_is_in_doubt()
    {
        var state = ServiceLoadBalancerState.Empty.Apply(new OperationStarted(1, Provision, Now));

        Assert.True(state.InDoubt);
        Assert.Null(state.Applied);
    }

    [Fact]
    public void A_confirmed_provision_records_the_load_balancer_its_listeners_and_targets()
    {
        var state = ServiceLoadBalancerState.Empty
            .Apply(new OperationStarted(1, Provision, Now))
            .Apply(new OperationSucceeded(1, Created, Now));

        Assert.False(state.InDoubt);
        Assert.Equal("127.0.201.1", state.Applied!.Address);
        Assert.Equal([new TargetKey("10.244.1.5", 8080)], state.Applied.Listeners[Http].Targets.Keys.ToArray());
    }

    [Fact]
    public void A_confirmed_move_records_the_address_the_provider_gave_and_keeps_listeners_and_targets()
    {
        var provisioned = ServiceLoadBalancerState.Empty
            .Apply(new OperationStarted(1, Provision, Now))
            .Apply(new OperationSucceeded(1, Created, Now));

        var moved = provisioned
            .Apply(new OperationStarted(2, new MoveLoadBalancer(Created.Id, "127.0.201.9"), Now))
            .Apply(new OperationSucceeded(2, Created with { Address = "127.0.201.9" }, Now));

        Assert.Equal(provisioned.Applied! with { Address = "127.0.201.9" }, moved.Applied);
        Assert.False(moved.InDoubt);
    }

    [Fact]
    public void A_confirmed_readdress_records_every_address_the_provider_gave_and_keeps_listeners_and_targets()
    {
        var provisioned = ServiceLoadBalancerState.Empty
            .Apply(new OperationStarted(1, Provision, Now))
            .Apply(new OperationSucceeded(1, Created, Now));

        var readdressed = provisioned
            .Apply(new OperationStarted(2, new ReaddressLoadBalancer(Created.Id, new AddressRequest(IpFamily.IPv4, DualStack: true)), Now))
            .Apply(new OperationSucceeded(2, Created with { SecondaryAddress = "fd00:db8:201::1" }, Now));

        Assert.Equal(provisioned.Applied! with { SecondaryAddress = "fd00:db8:201::1" }, readdressed.Applied);
        Assert.Equal(["127.0.201.1", "fd00:db8:201::1"], readdressed.Applied!.Addresses.ToArray());
    }

    [Fact]
    public void A_provision_that_found_a_load_balancer_keeps_what_it_held_so_the_next_plan_removes_it()
    {
        var found = Created with { Listeners = [new ListenerInfo(HttpSpec, [Serving("10.244.9.9")])] };

        var state = ServiceLoadBalancerState.Empty
            .Apply(new OperationStarted(1, Provision, Now))
            .Apply(new OperationSucceeded(1, found, Now));

        Assert.Equal(
            [new TargetKey("10.244.1.5", 8080), new TargetKey("10.244.9.9", 8080)],
            state.Applied!.Listeners[Http].Targets.Keys.Order().ToArray());
    }

    [Fact]
    public void A_failed_provision_is_read_back_since_it_may_have_created_part_of_the_load_balancer()
    {
        var state = ServiceLoadBalancerState.Empty
            .Apply(new OperationStarted(1, Provision, Now))
            .Apply(new OperationFailed(1, "target limit reached", false, Now));

        Assert.True(state.NeedsObservation);
        Assert.Null(state.Applied);
    }

    [Fact]
    public void A_create_journaled_by_an_earlier_version_still_replays()
    {
        var state = ServiceLoadBalancerState.Empty
            .Apply(new OperationStarted(1, new CreateLoadBalancer(Owner, "shop-web"), Now))
            .Apply(new OperationSucceeded(1, Created, Now));

        Assert.False(state.InDoubt);
        Assert.Equal("127.0.201.1", state.Applied!.Address);
    }

    [Fact]
    public void Target_changes_apply_and_draining_targets_remember_when_they_started()
    {
        var change = new ChangeTargets("lb-1", Http, [Serving("10.244.1.6"), Draining("10.244.1.5")], []);

        var state = ServiceLoadBalancerState.Empty with { Applied = Applied(AppliedServing("10.244.1.5")) };
        state = state.Apply(new OperationStarted(5, change, Now)).Apply(new OperationSucceeded(5, null, Now.AddSeconds(1)));

        var targets = state.Applied!.Listeners[Http].Targets;
        Assert.Equal(Now.AddSeconds(1), targets[new TargetKey("10.244.1.5", 8080)].DrainingSince);
        Assert.Null(targets[new TargetKey("10.244.1.6", 8080)].DrainingSince);
    }

    [Fact]
    public void A_failed_operation_changes_nothing_applied()
    {
        var before = ServiceLoadBalancerState.Empty with { Applied = Applied(AppliedServing("10.244.1.5")) };

        var after = before
            .Apply(new OperationStarted(2, new ChangeTargets("lb-1", Http, [], [new TargetKey("10.244.1.5", 8080)]), Now))
            .Apply(new OperationFailed(2, "boom", false, Now));

        Assert.Equal(before.Applied, after.Applied);
        Assert.False(after.InDoubt);
        Assert.Equal("boom", after.LastError);
    }

    [Fact]
    public void A_missing_load_balancer_asks_for_a_read_back()
    {
        var after = (ServiceLoadBalancerState.Empty with { Applied = Applied() })
            .Apply(new OperationStarted(2, new EnsureListener("lb-1", HttpSpec), Now))
            .Apply(new OperationFailed(2, "gone", true, Now));

        Assert.True(after.InDoubt);
    }

    [Fact]
    public void A_read_back_that_finds_nothing_forgets_the_load_balancer()
    {
        var after = (ServiceLoadBalancerState.Empty with { Applied = Applied() })
            .Apply(new OperationStarted(3, new ObserveLoadBalancer(Owner), Now))
            .Apply(new OperationSucceeded(3, null, Now));

        Assert.Null(after.Applied);
    }

    [Fact]
    public void An_outcome_for_another_sequence_is_ignored()
    {
        var started = ServiceLoadBalancerState.Empty.Apply(new OperationStarted(4, new DeleteLoadBalancer("lb-1"), Now));

        Assert.Equal(started, started.Apply(new OperationSucceeded(3, null, Now)));
    }
    [Fact]
    public void A_targets_change_is_confirmed_by_the_next_intent_not_by_an_outcome_of_its_own()
    {
        var add = new ChangeTargets("lb-1", Http, [Serving("10.244.1.6")], []);
        var drain = new ChangeTargets("lb-1", Http, [Draining("10.244.1.5")], []);

        var state = (ServiceLoadBalancerState.Empty with { Applied = Applied(AppliedServing("10.244.1.5")), LastSequence = 4 })
            .Apply(new OperationStarted(5, add, Now))
            .Apply(new OperationStarted(6, drain, Now.AddSeconds(2)) { Confirms = 5 });

        Assert.Equal([new TargetKey("10.244.1.5", 8080), new TargetKey("10.244.1.6", 8080)], state.Applied!.Listeners[Http].Targets.Keys.Order().ToArray());
        Assert.Equal(new PendingOperation(6, drain), state.InFlight);
        Assert.True(state.InDoubt); // the last one has nothing after it: a restart reads it back
    }

    [Fact]
    public void An_intent_that_does_not_confirm_the_change_before_it_leaves_that_change_unapplied()
    {
        var add = new ChangeTargets("lb-1", Http, [Serving("10.244.1.6")], []);

        var state = (ServiceLoadBalancerState.Empty with { Applied = Applied(AppliedServing("10.244.1.5")) })
            .Apply(new OperationStarted(5, add, Now))
            .Apply(new OperationStarted(6, add, Now));

        Assert.Equal([new TargetKey("10.244.1.5", 8080)], state.Applied!.Listeners[Http].Targets.Keys.ToArray());
    }

    [Fact]
    public void A_targets_change_in_doubt_takes_what_the_read_back_found_not_what_it_intended()
    {
        var add = new ChangeTargets("lb-1", Http, [Serving("10.244.1.6")], []);
        var found = Created with { Listeners = [new ListenerInfo(HttpSpec, [Serving("10.244.1.5")])] };

        var state = (ServiceLoadBalancerState.Empty with { Applied = Applied(AppliedServing("10.244.1.5")) })
            .Apply(new OperationStarted(5, add, Now))
            .Apply(new LoadBalancerObserved(found, Owner, [], Now))
            .Apply(new OperationStarted(6, add, Now) { Confirms = 5 });

        Assert.Equal([new TargetKey("10.244.1.5", 8080)], state.Applied!.Listeners[Http].Targets.Keys.ToArray());
    }

    [Fact]
    public void Only_a_targets_change_is_confirmed_by_the_next_intent()
    {
        var state = ServiceLoadBalancerState.Empty
            .Apply(new OperationStarted(1, Provision, Now))
            .Apply(new OperationStarted(2, new ObserveLoadBalancer(Owner), Now) { Confirms = 1 });

        Assert.Null(state.Applied);
        Assert.True(state.InDoubt);
    }
}
