using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Providers.Model;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// A Service port renamed (or added) is in no EndpointSlice until the EndpointSlice controller has caught up with the
/// Service. The last good load balancer stays meanwhile, as for any invalid configuration; the Warning Event waits for
/// the grace, so a rename whose slices follow gives none, and a port that no slice ever carries is still reported. The
/// test owns time, so the grace ends only when it says.
/// </summary>
public class EndpointSliceGraceSpec : ManualTimeEntitySpec
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private static readonly ReconcileOptions Options = FastOptions with { EndpointSliceGrace = Grace, ReadBackInterval = TimeSpan.Zero };

    [Fact]
    public void A_renamed_port_whose_slices_catch_up_within_the_grace_gives_no_warning()
    {
        var entity = RenamedAndAlmostThroughTheGrace();
        Assert.Equal("http", CloudListener().Spec.Name);

        entity.Tell(Renamed(slicesCaughtUp: true));
        AwaitAssert(() => Assert.Equal("web", CloudListener().Spec.Name), Deadline);
        Advance(Grace);
        Handled(entity);

        Assert.Empty(Warnings());
        Assert.Equal([Serving("10.244.1.1")], CloudListener().Targets);
    }

    [Fact]
    public void A_port_no_slice_carries_after_the_grace_is_reported_and_the_last_good_state_stays()
    {
        RenamedAndAlmostThroughTheGrace();

        Advance(TimeSpan.FromSeconds(1));

        AwaitAssert(() => Assert.Contains("no EndpointSlice has a port named 'web'", Assert.Single(Warnings()).Message), Deadline);
        Assert.Equal("http", CloudListener().Spec.Name);
        Assert.Equal([Serving("10.244.1.1")], CloudListener().Targets);
    }

    [Fact]
    public void Another_error_beside_a_port_in_no_slice_is_reported_at_once()
    {
        var entity = Converged();

        var annotated = Service(resourceVersion: "11", ports: [Port("web", 80)], annotations: new Dictionary<string, string> { ["directlb.io/drain-delay"] = "soon" });
        entity.Tell(new ServiceObserved(Key, Observation(annotated, Slice("web-abc", [Ready("10.244.1.1")]))));

        AwaitAssert(() => Assert.Contains("drain-delay", Assert.Single(Warnings()).Message), Deadline);
        Assert.Equal("http", CloudListener().Spec.Name);
    }

    /// <summary>One pod behind the Service's port "http", in sync, the debounce window its calls opened closed: the next change is acted on at once.</summary>
    private IActorRef Converged()
    {
        var entity = StartEntity(options: Options, clock: Clock);
        entity.Tell(new ServiceObserved(Key, Observation(Service(), Slice("web-abc", [Ready("10.244.1.1")]))));
        AwaitTargets(Serving("10.244.1.1"));
        AwaitInSync(entity);
        Advance(Options.Debounce);
        return entity;
    }

    /// <summary>The port renamed while its slices still say "http", and the grace all but over: no warning yet.</summary>
    private IActorRef RenamedAndAlmostThroughTheGrace()
    {
        var entity = Converged();
        entity.Tell(Renamed(slicesCaughtUp: false));
        Handled(entity);
        Advance(Grace - TimeSpan.FromSeconds(1));
        Handled(entity);
        Assert.Empty(Warnings());
        return entity;
    }

    /// <summary>The Service's port renamed to "web"; its slice still says "http" until the slices have caught up.</summary>
    private static ServiceObserved Renamed(bool slicesCaughtUp) =>
        new(Key, Observation(
            Service(resourceVersion: "11", ports: [Port("web", 80)]),
            Slice("web-abc", [Ready("10.244.1.1")], new EndpointPortSnapshot(slicesCaughtUp ? "web" : "http", "TCP", 8080))));

    private IReadOnlyList<ServiceEvent> Warnings() =>
        [.. Writer.Events.Where(e => e.IsWarning && e.Reason == ServiceEventReason.InvalidConfiguration)];

    private ListenerInfo CloudListener() => Cloud.LoadBalancers.Single().Listeners.Single();

    /// <summary>Returns once the entity has handled every message sent to it before (its report comes after them).</summary>
    private void Handled(IActorRef entity) => Status(entity);
}
