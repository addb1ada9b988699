using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.TestKit;
using Akka.TestKit.Xunit2;
using CsCheck;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Planning;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// Hostile Services sent to an entity that already has a good load balancer: each one is told in an
/// InvalidConfiguration Event, and the load balancer stays exactly as it was.
/// </summary>
public class HostileServiceSpec : TestKit
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static readonly ReconcileOptions Options = new()
    {
        Debounce = TimeSpan.FromMilliseconds(10),
        MinBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),

        // The specs count provider calls: a periodic read-back (its first falls anywhere in the interval) would be one.
        ReadBackInterval = TimeSpan.Zero,
    };

    private static readonly ClusterObservation Good = Observation(Service(), Slice("web-abc", [Ready("10.244.1.5"), Ready("10.244.1.6")]));

    private readonly ITestOutputHelper _output;
    private readonly SimulatedProvider _cloud = new();
    private readonly RecordingServiceWriter _writer = new();
    private readonly RecordingLoggerFactory _logs = new();

    public HostileServiceSpec(ITestOutputHelper output)
        : base(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf").WithFallback(DirectLbSerialization.Config), output: output)
    {
        _output = output;
    }

    [Fact]
    public void Every_generated_invalid_service_gets_an_InvalidConfiguration_event_and_the_load_balancer_stays()
    {
        var entity = StartWithGoodLoadBalancer();
        var before = Cloud();
        var calls = _cloud.TotalCalls;
        var good = new PlanningInput(Key, [Good], _cloud.Capabilities);
        var sent = 0;

        HostileMutations.Any.Sample(
            mutation =>
            {
                var hostile = mutation.Apply(good);
                if (hostile.Capabilities != good.Capabilities)
                {
                    return "about the provider: planner properties only";
                }

                // A distinct unknown annotation per case gives each case its own Event text, so none is deduplicated.
                hostile = hostile.WithAnnotation($"{ServiceAnnotations.Prefix}case-{Interlocked.Increment(ref sent)}", "x");
                var expected = $"Keeping the last good load balancer: {string.Join("; ", hostile.Plan().Errors)}";
                entity.Tell(new ServiceObserved(Key, hostile.Observations[0]));
                AwaitCondition(() => _writer.Events.Any(e => e.IsWarning && e.Reason == ServiceEventReason.InvalidConfiguration && e.Message == expected), Deadline, TimeSpan.FromMilliseconds(5));
                return mutation.Kind;
            },
            writeLine: _output.WriteLine,
            iter: 300,
            threads: 1);

        Assert.Equal(before, Cloud());
        Assert.Equal(calls, _cloud.TotalCalls);
    }

    [Fact]
    public void A_planning_failure_is_logged_and_told_in_an_event_and_the_load_balancer_stays()
    {
        var entity = StartWithGoodLoadBalancer();
        var before = Cloud();

        // A message from a replica of another version whose observation lacks its slices: the planner cannot read it.
        var serializer = (DirectLbSerializer)Sys.Serialization.FindSerializerFor(new ServiceObserved(Key, Good));
        var json = JsonNode.Parse(serializer.ToBinary(new ServiceObserved(Key, Good)))!;
        json["observation"]!.AsObject().Remove("slices");
        var malformed = (ServiceObserved)serializer.FromBinary(Encoding.UTF8.GetBytes(json.ToJsonString()), "service-observed.v1");
        Assert.True(malformed.Observation.Slices.IsDefault);
        entity.Tell(malformed);

        AwaitAssert(() => Assert.Contains(_writer.Events, e => e.Reason == ServiceEventReason.InvalidConfiguration && e.Message.Contains("could not plan this Service")), Deadline);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Error && e.Exception is not null && e.Message.Contains("planning failed"));
        Assert.Equal(before, Cloud());

        // Still the same entity, still planning: the next good observation converges.
        entity.Tell(new ServiceObserved(Key, Good with { Slices = [Slice("web-abc", [Ready("10.244.1.5"), Ready("10.244.1.6"), Ready("10.244.1.7")])] }));
        AwaitAssert(() => Assert.Equal(3, _cloud.LoadBalancers.Single().Listeners.Single().Targets.Count), Deadline);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("recovered load balancer"));
    }

    [Fact]
    public void A_bad_block_among_changed_source_ranges_keeps_the_last_good_ranges_and_never_opens_the_listener()
    {
        var ranged = Good with { Service = Good.Service with { SourceRanges = ["10.0.0.0/8"] } };
        var entity = StartWithGoodLoadBalancer(ranged);
        var address = _cloud.LoadBalancers.Single().Address;
        var before = Cloud();

        entity.Tell(new ServiceObserved(Key, ranged with { Service = ranged.Service with { SourceRanges = ["10.0.0.0/8", "192.168.0.0/33"] } }));
        AwaitCondition(() => _writer.Events.Any(e => e.Reason == ServiceEventReason.InvalidConfiguration && e.Message.Contains("'192.168.0.0/33' is not a CIDR block")), Deadline);
        entity.Tell(new ServiceObserved(Key, ranged with { Service = ranged.Service with { SourceRanges = [], Annotations = ranged.Service.Annotations.SetItem(SourceRangesField.Annotation, "0.0.0.0/0,") } }));
        AwaitCondition(() => _writer.Events.Any(e => e.Reason == ServiceEventReason.InvalidConfiguration && e.Message.Contains(SourceRangesField.Annotation)), Deadline);

        Assert.Equal(before, Cloud());
        Assert.False(_cloud.Connect(address, Http, "192.168.1.1").Admitted);
        Assert.True(_cloud.Connect(address, Http, "10.1.1.1").Admitted);
    }

    private IActorRef StartWithGoodLoadBalancer(ClusterObservation? good = null)
    {
        var entity = Sys.ActorOf(Props.Create(() => new ServiceLoadBalancer(
            Key.ToString(), _cloud, _writer, new RecordingStateSource(), new ServiceStatusBoard(), Options, TimeProvider.System, _logs.CreateLogger<ServiceLoadBalancer>())));
        entity.Tell(new ServiceObserved(Key, good ?? Good));
        AwaitCondition(() => _writer.Events.Any(e => e.Reason == ServiceEventReason.EnsuredLoadBalancer), Deadline);
        Assert.Equal(2, _cloud.LoadBalancers.Single().Listeners.Single().Targets.Count);
        return entity;
    }

    private string Cloud() => JsonSerializer.Serialize(_cloud.LoadBalancers);
}
