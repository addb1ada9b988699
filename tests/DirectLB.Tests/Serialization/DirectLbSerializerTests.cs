using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Model;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Serialization;

public class DirectLbSerializerTests() : TestKit(DirectLbSerialization.Config)
{
    private static readonly LoadBalancerInfo Info = new(
        "lb-1",
        "shop-web",
        "127.0.201.1",
        Owner.ToTags(),
        [new ListenerInfo(HttpSpec, [Serving("10.244.1.5"), Draining("fd00::7", 9090)])]);

    public static TheoryData<object> Persisted() =>
    [
        new OperationStarted(1, new CreateLoadBalancer(Owner, "shop-web"), Fixtures.Now),
        new OperationStarted(2, new EnsureListener("lb-1", new ListenerSpec(new ListenerKey(TransportProtocol.Udp, 53), "dns")), Fixtures.Now),
        new OperationStarted(2, new EnsureListener("lb-1", HttpSpec with { SourceRanges = SourceRanges.Of(["10.0.0.0/8", "fd00::/8"]) }), Fixtures.Now),
        new OperationStarted(2, new EnsureListener("lb-1", HttpSpec with { Affinity = new ClientIpAffinity(600) }), Fixtures.Now),
        new OperationStarted(3, new DeleteListener("lb-1", Http), Fixtures.Now),
        new OperationStarted(4, new ChangeTargets("lb-1", Http, [Serving("10.244.1.5"), Draining("fd00::7")], [new TargetKey("10.244.1.9", 8080)]), Fixtures.Now),
        new OperationStarted(5, new DeleteLoadBalancer("lb-1"), Fixtures.Now),
        new OperationStarted(5, new ChangeTargets("lb-1", Http, [Serving("10.244.1.6")], []), Fixtures.Now) { Confirms = 4 },
        new OperationStarted(6, new ObserveLoadBalancer(Owner), Fixtures.Now),
        new OperationStarted(7, new ProvisionLoadBalancer(Owner, "shop-web", [new ProvisionedListener(HttpSpec, [Serving("10.244.1.5"), Serving("fd00::7", 9090)])]), Fixtures.Now),
        new OperationStarted(7, new ProvisionLoadBalancer(Owner, "shop-web", [new ProvisionedListener(HttpSpec, [Serving("10.244.1.5")])], "192.0.2.10"), Fixtures.Now),
        new OperationStarted(9, new MoveLoadBalancer("lb-1", "2001:db8::10"), Fixtures.Now),
        new OperationStarted(10, new ReaddressLoadBalancer("lb-1", new AddressRequest(IpFamily.IPv6, DualStack: true, "192.0.2.10")), Fixtures.Now),
        new OperationStarted(11, new ProvisionLoadBalancer(Owner, "shop-web", []) { Addresses = new AddressRequest(IpFamily.IPv4, DualStack: true) }, Fixtures.Now),
        new OperationSucceeded(10, Info with { SecondaryAddress = "2001:db8::10" }, Fixtures.Now),
        new OperationSucceeded(1, Info, Fixtures.Now),
        new OperationSucceeded(2, null, Fixtures.Now),
        new OperationFailed(3, "throttled", false, Fixtures.Now),
        new OperationStarted(8, new DeleteLoadBalancer("lb-9", Owner with { ServiceUid = "uid-gone" }), Fixtures.Now),
        new LoadBalancerObserved(Info, Owner, ["target 10.244.1.6:8080 of TCP/80 is missing"], Fixtures.Now),
        new LoadBalancerObserved(null, Owner with { Installation = null }, [], Fixtures.Now),
    ];

    [Theory]
    [MemberData(nameof(Persisted))]
    public void Every_event_round_trips_with_a_stable_manifest(object persisted)
    {
        var serializer = Sys.Serialization.FindSerializerFor(persisted);
        Assert.IsType<DirectLbSerializer>(serializer);

        var manifest = ((DirectLbSerializer)serializer).Manifest(persisted);
        var back = ((DirectLbSerializer)serializer).FromBinary(serializer.ToBinary(persisted), manifest);

        Assert.DoesNotContain("DirectLB", manifest, StringComparison.Ordinal);
        AssertSameJson(persisted, back);
    }

    [Fact]
    public void The_snapshot_round_trips_including_drain_starts()
    {
        var state = new ServiceLoadBalancerState(
            Applied(AppliedServing("10.244.1.5"), AppliedDraining("fd00::7", Fixtures.Now)),
            new PendingOperation(9, new DeleteListener("lb-1", Http)),
            NeedsObservation: false,
            LastSequence: 9,
            LastError: "throttled");
        var serializer = (DirectLbSerializer)Sys.Serialization.FindSerializerFor(state);

        var back = (ServiceLoadBalancerState)serializer.FromBinary(serializer.ToBinary(state), serializer.Manifest(state));

        Assert.Equal(state.InFlight, back.InFlight);
        Assert.Equal(state.LastError, back.LastError);
        Assert.Equal(state.Applied!.Listeners[Http].Targets.ToImmutableSortedDictionary(), back.Applied!.Listeners[Http].Targets.ToImmutableSortedDictionary());
        Assert.Equal(state.Applied.Owner, back.Applied.Owner);
    }

    [Fact]
    public void A_snapshot_written_when_targets_were_a_dictionary_reads_back_and_is_written_again_as_it_was()
    {
        // A frozen sample of a snapshot as the version that kept a listener's targets in an immutable dictionary wrote
        // it (hash order); the sorted map that replaced it reads it and writes the same object by target key.
        const string v1 = """{"applied":{"id":"lb-1","name":"shop-web","address":"127.0.201.1","owner":{"clusterScope":"*","namespace":"shop","name":"web","serviceUid":"uid-1","installation":{"id":"default","loadBalancerClass":"directlb.io/direct"},"serviceTagValue":"shop/web"},"listeners":{"TCP/80":{"spec":{"key":"TCP/80","name":"http","healthCheck":{"intervalMilliseconds":2000,"rise":2,"fall":3},"proxyProtocolV2":false},"targets":{"[fd00::7]:8080":{"spec":{"key":"[fd00::7]:8080","weight":1,"state":"draining","clusterId":"east"},"drainingSince":"2026-11-24T12:00:00+00:00"},"10.244.1.5:8080":{"spec":{"key":"10.244.1.5:8080","weight":1,"state":"serving","clusterId":"east"}}}}},"targetCount":2,"ref":{"id":"lb-1","owner":{"clusterScope":"*","namespace":"shop","name":"web","serviceUid":"uid-1","installation":{"id":"default","loadBalancerClass":"directlb.io/direct"},"serviceTagValue":"shop/web"}}},"needsObservation":false,"lastSequence":9,"inDoubt":false}""";
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var state = (ServiceLoadBalancerState)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(v1), "service-lb-state.v1");
        var written = JsonNode.Parse(serializer.ToBinary(state))!["applied"]!["listeners"]!["TCP/80"]!["targets"]!.AsObject();

        var targets = state.Applied!.Listeners[Http].Targets;
        Assert.Equal([AppliedServing("10.244.1.5"), AppliedDraining("fd00::7", Fixtures.Now)], targets.Values.ToList());
        var frozen = JsonNode.Parse(v1)!["applied"]!["listeners"]!["TCP/80"]!["targets"]!.AsObject();
        Assert.Equal(frozen.Select(p => p.Key).Order(StringComparer.Ordinal), written.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(frozen, p => Assert.True(JsonNode.DeepEquals(p.Value, written[p.Key]), $"{p.Key} was written as {written[p.Key]}"));
    }

    [Fact]
    public void A_snapshot_whose_target_is_filed_under_another_target_s_key_is_refused()
    {
        const string damaged = """{"applied":{"id":"lb-1","name":"shop-web","address":"127.0.201.1","owner":{"clusterScope":"*","namespace":"shop","name":"web","serviceUid":"uid-1"},"listeners":{"TCP/80":{"spec":{"key":"TCP/80","name":"http"},"targets":{"10.244.1.6:8080":{"spec":{"key":"10.244.1.5:8080","weight":1,"state":"serving","clusterId":"east"}}}}}},"needsObservation":false,"lastSequence":9}""";
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var error = Assert.ThrowsAny<JsonException>(() => serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(damaged), "service-lb-state.v1"));

        Assert.Contains("10.244.1.6:8080", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_owner_journaled_before_installations_were_tagged_reads_back_without_one()
    {
        const string v1 = """{"sequence":1,"operation":{"op":"provision-lb","owner":{"clusterScope":"*","namespace":"shop","name":"web","serviceUid":"uid-1"},"name":"shop-web","listeners":[]},"at":"2026-11-24T12:00:00+00:00"}""";
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var started = (OperationStarted)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(v1), "operation-started.v1");

        Assert.Equal(Owner with { Installation = null }, Assert.IsType<ProvisionLoadBalancer>(started.Operation).Owner);
    }

    [Fact]
    public void Journal_data_written_by_this_version_stays_readable()
    {
        // A frozen sample of the v1 format: if this test breaks, old journals break too.
        const string v1 = """{"sequence":4,"operation":{"op":"change-targets","loadBalancerId":"lb-1","listener":"TCP/80","upserts":[{"key":"10.244.1.5:8080","weight":1,"state":"draining","clusterId":"east"}],"removals":["[fd00::7]:9090"]},"at":"2026-11-24T12:00:00+00:00"}""";
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var started = (OperationStarted)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(v1), "operation-started.v1");

        var change = Assert.IsType<ChangeTargets>(started.Operation);
        Assert.Equal(Draining("10.244.1.5"), change.Upserts.Single());
        Assert.Equal(new TargetKey("fd00::7", 9090), change.Removals.Single());
        Assert.Null(started.Confirms); // written before intents confirmed the targets change before them
    }

    [Fact]
    public void An_intent_names_the_targets_change_it_confirms_as_confirms()
    {
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);
        var started = new OperationStarted(5, new DeleteLoadBalancer("lb-1"), Fixtures.Now) { Confirms = 4 };

        using var json = System.Text.Json.JsonDocument.Parse(serializer.ToBinary(started));

        Assert.Equal(4, json.RootElement.GetProperty("confirms").GetInt64()); // the failover tests' journal audit reads it by this name
    }

    [Fact]
    public void A_listener_journaled_before_source_ranges_existed_reads_back_admitting_every_client()
    {
        // A frozen sample of a listener as the version before source ranges wrote it.
        const string v1 = """{"sequence":2,"operation":{"op":"ensure-listener","loadBalancerId":"lb-1","listener":{"key":"TCP/80","name":"http","healthCheck":{"intervalMilliseconds":2000,"rise":2,"fall":3},"proxyProtocolV2":true}},"at":"2026-11-24T12:00:00+00:00"}""";
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var started = (OperationStarted)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(v1), "operation-started.v1");

        var listener = Assert.IsType<EnsureListener>(started.Operation).Listener;
        Assert.Equal(HttpSpec with { ProxyProtocolV2 = true }, listener);
        Assert.Null(listener.Affinity);
    }

    [Fact]
    public void A_provision_journaled_before_requested_addresses_existed_reads_back_letting_the_provider_choose()
    {
        // A frozen sample of a provision as the version before requested addresses wrote it.
        const string v1 = """{"sequence":7,"operation":{"op":"provision-lb","owner":{"clusterScope":"*","namespace":"shop","name":"web","serviceUid":"uid-1"},"name":"shop-web","listeners":[{"spec":{"key":"TCP/80","name":"http"},"targets":[]}]},"at":"2026-11-24T12:00:00+00:00"}""";
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var started = (OperationStarted)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(v1), "operation-started.v1");

        var provision = Assert.IsType<ProvisionLoadBalancer>(started.Operation);
        Assert.Equal(("shop-web", (string?)null), (provision.Name, provision.Address));
    }

    [Fact]
    public void A_load_balancer_journaled_before_dual_stack_reads_back_with_its_one_address()
    {
        // A frozen sample of a read-back as the version before dual stack wrote it: one address, no families.
        const string v1 = """{"observed":{"id":"lb-1","name":"shop-web","address":"127.0.201.1","tags":{"directlb.io/cluster":"*","directlb.io/service":"shop/web"},"listeners":[{"spec":{"key":"TCP/80","name":"http"},"targets":[]}]},"owner":{"clusterScope":"*","namespace":"shop","name":"web","serviceUid":"uid-1"},"drift":[],"at":"2026-11-24T12:00:00+00:00"}""";
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var observed = (LoadBalancerObserved)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(v1), "lb-observed.v1");
        var applied = ServiceLoadBalancerState.Empty.Apply(observed).Applied!;

        Assert.Equal(["127.0.201.1"], observed.Observed!.Addresses);
        Assert.Equal(["127.0.201.1"], applied.Addresses.ToArray());
        Assert.True(new AddressRequest(IpFamily.IPv4, DualStack: false).IsMetBy(applied.Addresses));
    }

    [Fact]
    public void A_dual_stack_load_balancer_keeps_both_addresses_in_the_journal_and_the_snapshot()
    {
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);
        var state = ServiceLoadBalancerState.Empty with { Applied = Applied(AppliedServing("10.244.1.5")) with { SecondaryAddress = "fd00:db8:201::1" } };

        var back = (ServiceLoadBalancerState)serializer.FromBinary(serializer.ToBinary(state), serializer.Manifest(state));

        Assert.Equal(["127.0.201.1", "fd00:db8:201::1"], back.Applied!.Addresses.ToArray());
        // Families are journaled as Kubernetes writes them (IPv4, IPv6), whatever the naming policy.
        Assert.Contains("\"primary\":\"IPv6\"", System.Text.Encoding.UTF8.GetString(serializer.ToBinary(new OperationStarted(1, new ReaddressLoadBalancer("lb-1", new AddressRequest(IpFamily.IPv6, true)), Fixtures.Now))));
    }

    [Fact]
    public void A_move_and_a_provision_keep_their_requested_address_in_the_journal()
    {
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);
        OperationStarted[] journaled =
        [
            new(7, new ProvisionLoadBalancer(Owner, "shop-web", [], "192.0.2.10"), Fixtures.Now),
            new(8, new MoveLoadBalancer("lb-1", "192.0.2.11"), Fixtures.Now),
        ];

        var back = journaled.Select(e => (OperationStarted)serializer.FromBinary(serializer.ToBinary(e), serializer.Manifest(e))).ToList();

        Assert.Equal("192.0.2.10", Assert.IsType<ProvisionLoadBalancer>(back[0].Operation).Address);
        Assert.Equal(new MoveLoadBalancer("lb-1", "192.0.2.11"), back[1].Operation);
    }

    [Fact]
    public void Source_ranges_are_journaled_as_their_blocks_and_a_damaged_block_is_refused_on_reading()
    {
        var started = new OperationStarted(2, new EnsureListener("lb-1", HttpSpec with { SourceRanges = SourceRanges.Of(["fd00::/8", "10.0.0.0/8"]) }), Fixtures.Now);
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        var json = System.Text.Encoding.UTF8.GetString(serializer.ToBinary(started));
        var damaged = json.Replace("10.0.0.0/8", "10.0.0.0/88", StringComparison.Ordinal);

        Assert.Contains("""
            "sourceRanges":["10.0.0.0/8","fd00::/8"]
            """, json);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(damaged), "operation-started.v1"));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_loudly()
    {
        var serializer = new DirectLbSerializer((ExtendedActorSystem)Sys);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "mystery.v9"));
    }

    private static void AssertSameJson(object expected, object actual) =>
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(expected, expected.GetType(), DirectLbSerializer.JsonOptions),
            System.Text.Json.JsonSerializer.Serialize(actual, actual.GetType(), DirectLbSerializer.JsonOptions));
}
