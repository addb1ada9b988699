using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>The entity against the simulated provider, a recording Kubernetes writer and a journal that can fail.</summary>
public class ServiceLoadBalancerSpec : EntitySpec
{
    [Fact]
    public void Creates_the_load_balancer_with_exactly_the_ready_targets_and_publishes_its_address()
    {
        var entity = StartEntity();

        entity.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.2.7"), NotReady("10.244.3.1")));

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.2.7"));
        var address = Cloud.LoadBalancers.Single().Address;
        AwaitAssert(() => Assert.Contains($"ingress {Cluster} {Key} [{address}]", Writer.Writes), Deadline);
        AwaitAssert(() => Assert.Equal(
            [ServiceEventReason.EnsuringLoadBalancer, ServiceEventReason.EnsuredLoadBalancer],
            Writer.Events.Select(e => e.Reason).ToArray()), Deadline);
    }

    [Fact]
    public void Adds_the_finalizer_before_the_load_balancer_exists()
    {
        var entity = StartEntity();

        entity.Tell(Observed(Service(finalizer: false), Ready("10.244.1.5")));

        AwaitTargets(Serving("10.244.1.5"));
        Assert.Equal(0, Writer.ProviderCallsAtFinalizer);
    }

    [Fact]
    public void Hands_the_writer_the_Service_it_planned_the_finalizer_from()
    {
        var entity = StartEntity();
        var observed = Service(resourceVersion: "17", finalizer: false) with { Finalizers = ["example.com/keep"] };

        entity.Tell(Observed(observed, Ready("10.244.1.5")));

        AwaitTargets(Serving("10.244.1.5"));
        Assert.Equal(observed, Assert.Single(Writer.FinalizerEditsObserved));
    }

    [Fact]
    public void Follows_endpoints_as_they_scale_up_and_down()
    {
        var entity = StartEntity();
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));

        entity.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6"), Ready("10.244.1.7")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"), Serving("10.244.1.7"));

        entity.Tell(Observed(Service(), Ready("10.244.1.7")));
        AwaitTargets(Serving("10.244.1.7"));
    }

    [Fact]
    public void Coalesces_a_burst_of_changes_into_a_few_provider_calls()
    {
        var slow = new SimulatedProvider(new SimulatedProviderOptions { Latency = TimeSpan.FromMilliseconds(100) });
        var entity = StartEntity(slow);
        entity.Tell(Observed(Service(), Ready("10.244.1.1")));
        AwaitAssert(() => Assert.Single(slow.LoadBalancers.SelectMany(l => l.Listeners).SelectMany(l => l.Targets)), Deadline);
        var before = slow.CallCount(ProviderCallKind.ChangeTargets);

        for (var pods = 2; pods <= 50; pods++)
        {
            entity.Tell(Observed(Service(), [.. Enumerable.Range(1, pods).Select(i => Ready($"10.244.1.{i}"))]));
        }

        AwaitAssert(() => Assert.Equal(50, slow.LoadBalancers.Single().Listeners.Single().Targets.Count), Deadline);
        var calls = slow.CallCount(ProviderCallKind.ChangeTargets) - before;
        Assert.InRange(calls, 1, 10);
    }

    [Fact]
    public void Drains_a_terminating_endpoint_then_removes_it_when_the_delay_passes()
    {
        var annotations = new Dictionary<string, string> { [ServiceAnnotations.DrainDelay] = "1s" };
        var entity = StartEntity();
        entity.Tell(Observed(Service(annotations: annotations), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));

        entity.Tell(Observed(Service(annotations: annotations), Ready("10.244.1.5"), Terminating("10.244.1.6")));

        AwaitTargets(Serving("10.244.1.5"), Draining("10.244.1.6"));
        AwaitTargets(Serving("10.244.1.5"));
    }

    [Fact]
    public void A_draining_target_leaves_as_soon_as_its_last_connection_ends()
    {
        var open = new System.Collections.Concurrent.ConcurrentDictionary<string, int> { ["10.244.1.6"] = 3 };
        var counting = new GatedProvider(Cloud) { Connections = key => open.GetValueOrDefault(key.Address) };
        var annotations = new Dictionary<string, string> { [ServiceAnnotations.DrainDelay] = "10m" };
        var entity = StartEntity(counting);
        entity.Tell(Observed(Service(annotations: annotations), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));

        entity.Tell(Observed(Service(annotations: annotations), Ready("10.244.1.5"), Terminating("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Draining("10.244.1.6"));

        open["10.244.1.6"] = 0;
        AwaitTargets(Serving("10.244.1.5"));
    }

    [Fact]
    public void Retries_a_failing_provider_with_backoff_and_says_so()
    {
        Cloud.Faults.FailNext(ProviderCallKind.EnsureLoadBalancer, 3);
        var entity = StartEntity();

        entity.Tell(Observed(Service(), Ready("10.244.1.5")));

        AwaitTargets(Serving("10.244.1.5"));
        Assert.Equal(4, Cloud.CallCount(ProviderCallKind.EnsureLoadBalancer));
        Assert.Equal(3, Writer.Events.Count(e => e.IsWarning && e.Reason == ServiceEventReason.SyncLoadBalancerFailed));
    }

    [Fact]
    public void A_provision_that_fails_part_way_is_read_back_and_finished_on_the_same_load_balancer()
    {
        Cloud.Faults.FailNext(ProviderCallKind.ChangeTargets, 2);
        var entity = StartEntity();

        entity.Tell(Observed(Service(), Ready("10.244.1.5")));

        AwaitTargets(Serving("10.244.1.5"));
        Assert.Single(Cloud.LoadBalancers);
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.EnsureLoadBalancer));
        Assert.Equal(2, Cloud.CallCount(ProviderCallKind.FindLoadBalancer)); // a read-back after each failure
        Assert.Equal(2, Writer.Events.Count(e => e.IsWarning && e.Reason == ServiceEventReason.SyncLoadBalancerFailed));
    }

    [Fact]
    public void A_service_deleted_while_its_provision_keeps_failing_leaves_no_load_balancer_behind()
    {
        Cloud.Faults.FailNext(ProviderCallKind.ChangeTargets, 1_000);
        var entity = StartEntity();
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitCondition(() => Cloud.LoadBalancers.Count == 1 && Cloud.CallCount(ProviderCallKind.FindLoadBalancer) >= 1, Deadline);

        entity.Tell(Observed(Service(deleting: true, resourceVersion: "20"), Ready("10.244.1.5")));

        AwaitAssert(() => Assert.Contains($"remove-finalizer {Cluster} {Key}", Writer.Writes), Deadline);
        Assert.Empty(Cloud.LoadBalancers);
    }

    [Fact]
    public async Task Invalid_configuration_keeps_the_last_good_load_balancer_and_warns_once()
    {
        var entity = StartEntity();
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));

        var bad = new Dictionary<string, string> { [ServiceAnnotations.DrainDelay] = "whenever" };
        entity.Tell(Observed(Service(annotations: bad), Ready("10.244.1.9")));
        entity.Tell(Observed(Service(annotations: bad, resourceVersion: "11"), Ready("10.244.1.9")));

        AwaitAssert(() => Assert.Single(Writer.Events, e => e.Reason == ServiceEventReason.InvalidConfiguration), Deadline);
        var status = await entity.Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(Key), Deadline);
        Assert.Equal([Serving("10.244.1.5")], status.Targets.ToArray());
        Assert.Equal([Serving("10.244.1.5")], CloudTargets().ToArray());
    }

    [Fact]
    public void A_deleted_service_loses_its_load_balancer_then_its_finalizer()
    {
        var entity = StartEntity();
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));

        entity.Tell(Observed(Service(deleting: true, resourceVersion: "20"), Ready("10.244.1.5")));

        AwaitAssert(() => Assert.Contains($"remove-finalizer {Cluster} {Key}", Writer.Writes), Deadline);
        Assert.Empty(Cloud.LoadBalancers);
        Assert.Contains(Writer.Events, e => e.Reason == ServiceEventReason.DeletedLoadBalancer);
    }

    [Fact]
    public void A_restarted_entity_recovers_its_load_balancer_reads_it_back_and_creates_no_second()
    {
        var first = StartEntity();
        first.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);

        var second = StartEntity();
        second.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        Assert.Single(Cloud.LoadBalancers);
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.EnsureLoadBalancer));
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.FindLoadBalancer));
    }

    [Fact]
    public void An_operation_in_doubt_after_a_crash_is_read_back_and_then_converges()
    {
        var gated = new GatedProvider(Cloud);
        var first = StartEntity(gated);
        first.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        gated.HoldTargetChanges = true;
        first.Tell(Observed(Service(), Ready("10.244.1.6")));
        AwaitCondition(() => gated.HeldCalls == 1, Deadline);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        gated.HoldTargetChanges = false;
        var second = StartEntity(gated);
        second.Tell(Observed(Service(), Ready("10.244.1.6")));

        AwaitTargets(Serving("10.244.1.6"));
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.FindLoadBalancer));
        Assert.Single(Cloud.LoadBalancers);
    }

    /// <summary>
    /// A failed write stops the entity (Akka's rule); a rejected one would leave it running and waiting for an
    /// outcome that never comes, so the entity stops itself. Either way the watchers are asked to wake it again.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Never_calls_the_provider_without_a_journaled_intent(bool rejected)
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        await (rejected ? journal.OnWrite.Reject() : journal.OnWrite.Fail());
        var entity = StartEntity();
        Watch(entity);

        entity.Tell(Observed(Service(), Ready("10.244.1.5")));

        ExpectTerminated(entity, Deadline);
        Assert.Equal(0, Cloud.TotalCalls);
        Assert.Equal([Key], StateSource.Requests.ToArray());
        Assert.Empty(StateSource.OnNewOwner); // its resend waits for the backoff

        await journal.OnWrite.Pass();
        var again = StartEntity();
        again.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
    }

    [Fact]
    public async Task Snapshots_keep_recovery_short_and_correct()
    {
        var entity = StartEntity();
        for (var pods = 1; pods <= 12; pods++)
        {
            entity.Tell(Observed(Service(), [.. Enumerable.Range(1, pods).Select(i => Ready($"10.244.1.{i}"))]));
            AwaitAssert(() => Assert.Equal(pods, CloudTargets().Count), Deadline);
        }

        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);
        var changes = Cloud.CallCount(ProviderCallKind.ChangeTargets);
        var recovered = StartEntity();
        var status = await recovered.Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(Key), Deadline);

        // The last change's success is told only by a next intent (JournalWritesSpec): 11 confirmed, the 12th in doubt.
        Assert.Equal(11, status.ServingTargets);
        Assert.Equal(Cloud.LoadBalancers.Single().Id, status.LoadBalancerId);
        recovered.Tell(Observed(Service(), [.. Enumerable.Range(1, 12).Select(i => Ready($"10.244.1.{i}"))]));
        await AwaitAssertAsync(
            async () => Assert.Equal(12, (await recovered.Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(Key), Deadline)).ServingTargets),
            Deadline);
        Assert.Equal(changes, Cloud.CallCount(ProviderCallKind.ChangeTargets));
    }
}
