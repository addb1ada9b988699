using System.Text.Json;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using System.Collections.Immutable;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Orphans;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Actors.Serialization;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Serialization;

/// <summary>Messages that cross replicas travel through DirectLB's serializer, with stable manifests, and arrive whole.</summary>
public class WireMessageTests() : TestKit(DirectLbSerialization.Config)
{
    private static readonly ServiceKey Scoped = new("shop", "web", "east");

    private static ServiceObserved Observed() => new(
        Scoped,
        ObservationIn(
            "east",
            Service(
                annotations: new Dictionary<string, string> { ["directlb.io/drain-delay"] = "5s", ["directlb.io/cluster-weights"] = "east=70,west=30" },
                ports: [Port("http", 80), Port("dns", 53, "UDP")],
                ingress: ["127.0.201.7"],
                sourceRanges: ["10.0.0.0/8"]) with { SessionAffinity = "ClientIP", AffinityTimeoutSeconds = 600, Finalizers = ["example.com/keep"] },
            Slice("web-abc", [Ready("10.244.1.5"), Terminating("10.244.1.6"), new EndpointSnapshot(["fd00::7"], false, false, false, "pod-x", "node-1")])),
        Fixtures.Now);

    public static TheoryData<object> Wire() =>
    [
        Observed(),
        new ServiceObserved(Key, Observation(), null),
        new ServiceObserved(Key, Observation(), Fixtures.Now, Acknowledge: true),
        new ObservationTaken(Scoped, "east"),
        new ServiceGone(Scoped, "east"),
        new ClusterUnreachable(Key, "west", "connection refused"),
        new ClusterStale(Key, "west"),
        new GetLoadBalancerStatus(Scoped),
        new LoadBalancerStatusReport(Key, "lb-1", "127.0.201.1", [Serving("10.244.1.5"), Draining("fd00::7", 9090)], InSync: true, LastError: null),
        new LoadBalancerStatusReport(Key, null, null, [], InSync: false, LastError: "throttled"),
        new LoadBalancerStatusReport(Key, "lb-1", "127.0.201.1", [Serving("10.244.1.5")], true, null, ImmutableDictionary<TargetKey, TargetHealth>.Empty.Add(new TargetKey("10.244.1.5", 8080), TargetHealth.Initial)),
        new CollectOrphan(Scoped, "lb-9", Owner with { ClusterScope = "east" }),
        GetServiceInventory.Instance,
        new ServiceInventory(["member cluster west is not synced or not reachable"], [Key, Scoped]),
        GetOrphans.Instance,
        new OrphanReport(OrphanMode.Delete, Fixtures.Now, null, [new Orphan("lb-9", "shop-web", "127.0.201.9", Scoped, Fixtures.Now, Collected: true)]),
        OrphanReport.NotYet(OrphanMode.Report),
        new ResendServiceState(Scoped),
        GetAllWatcherStatuses.Instance,
        new FindGatingServices("east", "shop", ImmutableSortedDictionary<string, string>.Empty.Add("app", "web").Add("pod-template-hash", "7d9f")),
        new GatingServices("east", ["api", "web"], null),
        new GatingServices("west", [], "member cluster west has not been listed yet"),
        new GetServiceRows("shop", null, "shop/api", 100),
        new GetServiceRows(null, Scoped, null, 1),
        new ServiceRows("akka.tcp://directlb@10.0.0.2:4053", [new ServiceRow(
            Scoped, "akka.tcp://directlb@10.0.0.2:4053", "lb-1", "127.0.201.1", true, "throttled", 1, 1, 2,
            [new TargetRow("10.244.1.5:8080", "east", "serving", 1, "healthy")],
            [new NodeSync("lb-a", NodeSync.Behind, "connection refused", Fixtures.Now)],
            [new EventRow(Fixtures.Now, "Warning", "SyncLoadBalancerFailed", "Error syncing load balancer: throttled", 3)],
            [new LatencySample(Fixtures.Now, 0.042)],
            Fixtures.Now)], More: true),
        new AllWatcherStatuses([new WatcherStatus("east", Synced: true, Connected: true, null, 12, 3), new WatcherStatus("west", false, false, "timeout", 0, 0)]),
    ];

    [Theory]
    [MemberData(nameof(Wire))]
    public void Every_wire_message_round_trips_through_the_DirectLB_serializer(object message)
    {
        var serializer = Assert.IsType<DirectLbSerializer>(Sys.Serialization.FindSerializerFor(message));
        var manifest = serializer.Manifest(message);

        var back = serializer.FromBinary(serializer.ToBinary(message), manifest);

        Assert.Matches("^[a-z-]+\\.v1$", manifest);
        Assert.IsType(message.GetType(), back);
        Assert.Equal(Json(message), Json(back));
    }

    [Fact]
    public void An_observation_keeps_its_immutable_collections_after_the_trip()
    {
        var sent = Observed();
        var serializer = (DirectLbSerializer)Sys.Serialization.FindSerializerFor(sent);

        var back = (ServiceObserved)serializer.FromBinary(serializer.ToBinary(sent), serializer.Manifest(sent));

        Assert.Equal(Scoped, back.Key);
        Assert.Equal(sent.Observation.Service.Annotations, back.Observation.Service.Annotations);
        Assert.Equal(sent.Observation.Service.Ports.ToArray(), back.Observation.Service.Ports.ToArray());
        Assert.Equal(sent.Observation.Service.Ingress.ToArray(), back.Observation.Service.Ingress.ToArray());
        Assert.Equal(sent.Observation.Slices.Single().Endpoints.Select(e => e.Addresses.Single()), back.Observation.Slices.Single().Endpoints.Select(e => e.Addresses.Single()));
        Assert.Equal(sent.Observation.Slices.Single().Endpoints[2], back.Observation.Slices.Single().Endpoints[2] with { Addresses = sent.Observation.Slices.Single().Endpoints[2].Addresses });
        Assert.Equal(sent.ChangedAt, back.ChangedAt);
        Assert.Equal(("ClientIP", (int?)600), (back.Observation.Service.SessionAffinity, back.Observation.Service.AffinityTimeoutSeconds));
        Assert.Equal(sent.Observation.Service.Finalizers!.Value.ToArray(), back.Observation.Service.Finalizers!.Value.ToArray());
    }

    [Fact]
    public void An_observation_from_a_replica_that_does_not_send_finalizers_arrives_with_them_not_known()
    {
        var sent = Observed();
        var serializer = (DirectLbSerializer)Sys.Serialization.FindSerializerFor(sent);
        var json = System.Text.Json.Nodes.JsonNode.Parse(serializer.ToBinary(sent))!;
        Assert.True(json["observation"]!["service"]!.AsObject().Remove("finalizers"));

        var back = (ServiceObserved)serializer.FromBinary(JsonSerializer.SerializeToUtf8Bytes(json), serializer.Manifest(sent));

        Assert.Equal(["example.com/keep"], sent.Observation.Service.Finalizers!.Value.ToArray());
        Assert.Null(back.Observation.Service.Finalizers);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), DirectLbSerializer.JsonOptions);
}
