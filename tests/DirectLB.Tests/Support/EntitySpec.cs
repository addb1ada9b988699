using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.TestKit;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Serialization;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using Microsoft.Extensions.Logging.Abstractions;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Support;

/// <summary>
/// What the Service entity's TestKit specs share: the entity against a simulated cloud, a recording Kubernetes writer,
/// and Akka's test journal (which a spec can make fail), with fast timings.
/// </summary>
public abstract class EntitySpec : TestKit
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>
    /// No periodic read-back (a spec about it sets its own interval): the production default puts an entity's first one
    /// anywhere in its first 5 minutes, so now and then inside a test, as one more provider call than the test counts.
    /// The read-back after a recovery stays.
    /// </summary>
    protected static readonly ReconcileOptions FastOptions = new()
    {
        ReadBackInterval = TimeSpan.Zero,
        Debounce = TimeSpan.FromMilliseconds(20),
        MinBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        SnapshotEvery = 10,
        DrainProbeInterval = TimeSpan.FromMilliseconds(100),
    };

    /// <param name="config">Settings ahead of the test journal's, e.g. Akka's test scheduler for a spec that moves time itself.</param>
    protected EntitySpec(SimulatedProviderOptions? cloud = null, Config? config = null)
        : base((config ?? Config.Empty)
            .WithFallback(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf"))
            .WithFallback(DirectLbSerialization.Config)
            .WithFallback(EntityMailbox.Hocon))
    {
        Cloud = new SimulatedProvider(cloud);
        Writer = new RecordingServiceWriter(() => Cloud.TotalCalls);
    }

    protected SimulatedProvider Cloud { get; }

    protected RecordingServiceWriter Writer { get; }

    protected RecordingStateSource StateSource { get; } = new();

    protected ServiceStatusBoard Board { get; } = new();

    protected IActorRef StartEntity(ILoadBalancerProvider? provider = null, ReconcileOptions? options = null, TimeProvider? clock = null) =>
        Sys.ActorOf(Props.Create(() => new ServiceLoadBalancer(
            Key.ToString(), provider ?? Cloud, Writer, StateSource, Board, options ?? FastOptions, clock ?? TimeProvider.System, NullLogger<ServiceLoadBalancer>.Instance))
            .WithMailbox(EntityMailbox.Path)); // the mailbox the Host gives them

    protected static ServiceObserved Observed(ServiceSnapshot service, params EndpointSnapshot[] endpoints) =>
        new(Key, Observation(service, Slice("web-abc", endpoints)));

    protected IReadOnlyList<TargetSpec> CloudTargets() =>
        Cloud.LoadBalancers.SingleOrDefault()?.Listeners.SingleOrDefault()?.Targets ?? [];

    protected void AwaitTargets(params TargetSpec[] expected) =>
        AwaitAssert(() => Assert.Equal(expected, CloudTargets().OrderBy(t => t.Key).ToArray()), Deadline);

    protected void StopAndWait(IActorRef entity)
    {
        Watch(entity);
        Sys.Stop(entity);
        ExpectTerminated(entity);
    }
}
