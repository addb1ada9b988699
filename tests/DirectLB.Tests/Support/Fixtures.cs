using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Tests.Support;

/// <summary>Small builders for snapshots, so each test says only what matters to it.</summary>
public static class Fixtures
{
    public const string Cluster = "east";

    public static readonly ServiceKey Key = new("shop", "web");

    public static readonly ServiceClassFilter Filter = new(ServiceClassFilter.DefaultClass, ClaimServicesWithoutClass: false);

    public static readonly ProviderCapabilities Capabilities = new(true, true, 1000, new HashSet<TransportProtocol> { TransportProtocol.Tcp, TransportProtocol.Udp }) { SupportsSourceRanges = true, SupportsSessionAffinity = true, SupportsRequestedAddress = true };

    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static ServiceSnapshot Service(
        string resourceVersion = "10",
        bool finalizer = true,
        bool deleting = false,
        string type = "LoadBalancer",
        string? loadBalancerClass = ServiceClassFilter.DefaultClass,
        IEnumerable<ServicePortSnapshot>? ports = null,
        IDictionary<string, string>? annotations = null,
        IEnumerable<string>? ingress = null,
        IEnumerable<string>? sourceRanges = null,
        DateTimeOffset? createdAt = null,
        string uid = "uid-1") =>
        new(
            uid,
            resourceVersion,
            createdAt ?? Now.AddDays(-1),
            type,
            loadBalancerClass,
            [.. ports ?? [Port("http", 80)]],
            (annotations ?? new Dictionary<string, string>()).ToImmutableSortedDictionary(StringComparer.Ordinal),
            [.. sourceRanges ?? []],
            finalizer,
            deleting,
            [.. ingress ?? []])
        {
            IngressIpModes = IngressIpMode.For(ingress ?? []),
        };

    public static ServicePortSnapshot Port(string name, int port, string protocol = "TCP") => new(name, protocol, port);

    public static EndpointSliceSnapshot Slice(string name, IEnumerable<EndpointSnapshot> endpoints, params EndpointPortSnapshot[] ports) =>
        new(name, "IPv4", [.. ports.Length == 0 ? [new EndpointPortSnapshot("http", "TCP", 8080)] : ports], [.. endpoints]);

    public static EndpointSnapshot Ready(string ip) => new([ip], true, true, false, null);

    public static EndpointSnapshot Terminating(string ip) => new([ip], false, true, true, null);

    public static EndpointSnapshot NotReady(string ip) => new([ip], false, false, false, null);

    public static ClusterObservation Observation(ServiceSnapshot? service = null, params EndpointSliceSnapshot[] slices) =>
        new(Cluster, service ?? Service(), [.. slices]);

    public static ClusterObservation ObservationIn(string clusterId, ServiceSnapshot service, params EndpointSliceSnapshot[] slices) =>
        new(clusterId, service, [.. slices]);

    public static DesiredState Desired(ClusterObservation observation, PlannerOptions? options = null, ProviderCapabilities? capabilities = null) =>
        DesiredStateBuilder.Build(Key, [observation], Filter, options ?? new PlannerOptions(), capabilities ?? Capabilities);

    public static TargetSpec Serving(string ip, int port = 8080) => new(new TargetKey(ip, port), 1, TargetState.Serving, Cluster);

    public static TargetSpec Draining(string ip, int port = 8080) => new(new TargetKey(ip, port), 1, TargetState.Draining, Cluster);

    public static readonly ListenerKey Http = new(TransportProtocol.Tcp, 80);

    /// <summary>The listener a plain Service port gets: TCP health check by default.</summary>
    public static readonly ListenerSpec HttpSpec = new(Http, "http", new HealthCheckSpec());

    public static readonly PlannerOptions Planner = new();

    public static LoadBalancerOwner Owner => new(LoadBalancerOwner.AllClusters, Key.Namespace, Key.Name, "uid-1", Planner.Installation);

    /// <summary>An applied load balancer with one TCP/80 listener holding the given targets.</summary>
    public static AppliedLoadBalancer Applied(params AppliedTarget[] targets) =>
        new("lb-1", "shop-web", "127.0.201.1", Owner, ImmutableDictionary<ListenerKey, AppliedListener>.Empty.Add(
            Http,
            new AppliedListener(HttpSpec, TargetMap<AppliedTarget>.From(targets))));

    public static AppliedTarget AppliedServing(string ip) => new(Serving(ip), null);

    public static AppliedTarget AppliedDraining(string ip, DateTimeOffset since) => new(Draining(ip), since);
}
