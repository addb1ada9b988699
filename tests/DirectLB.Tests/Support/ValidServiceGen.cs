using System.Collections.Immutable;
using System.Globalization;
using CsCheck;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Tests.Support;

/// <summary>A Service as the planner sees it, with the provider it plans for.</summary>
public sealed record PlanningInput(ServiceKey Key, ImmutableArray<ClusterObservation> Observations, ProviderCapabilities Capabilities)
{
    public DesiredState Plan(PlannerOptions? options = null) =>
        DesiredStateBuilder.Build(Key, Observations, Fixtures.Filter, options ?? new PlannerOptions(), Capabilities);

    /// <summary>The same change to the Service in every member cluster (their specs stay equal).</summary>
    public PlanningInput WithService(Func<ServiceSnapshot, ServiceSnapshot> change) =>
        this with { Observations = [.. Observations.Select(o => o with { Service = change(o.Service) })] };

    public PlanningInput WithAnnotation(string key, string value) =>
        WithService(s => s with { Annotations = s.Annotations.SetItem(key, value) });

    /// <summary>Changes the first member cluster's first slice (every valid input has one).</summary>
    public PlanningInput WithFirstSlice(Func<EndpointSliceSnapshot, EndpointSliceSnapshot> change) =>
        this with { Observations = Observations.SetItem(0, Observations[0] with { Slices = Observations[0].Slices.SetItem(0, change(Observations[0].Slices[0])) }) };

    public override string ToString() =>
        $"{Key} caps({Capabilities.SupportsWeights},{Capabilities.SupportsDrain},{Capabilities.MaxTargetsPerLoadBalancer},{string.Join('/', Capabilities.Protocols)}) {Describe(Observations)}";

    /// <summary>Observations spelled out, for the case a failed property prints.</summary>
    public static string Describe(IEnumerable<ClusterObservation> observations) =>
        string.Join(" | ", observations.Select(o =>
            $"{o.ClusterId}{(o.Stale ? " (stale)" : "")}: {o.Service.Type} {o.Service.LoadBalancerClass} created {o.Service.CreatedAt:O}{(o.Service.IsDeleting ? " deleting" : "")} "
            + $"ports [{string.Join(", ", o.Service.Ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"))}] annotations [{string.Join(", ", o.Service.Annotations)}] ranges [{string.Join(", ", o.Service.SourceRanges)}] "
            + $"slices [{string.Join("; ", o.Slices.Select(s => $"{s.Name} {s.AddressType} ports({string.Join(", ", s.Ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"))}) endpoints({string.Join(", ", s.Endpoints.Select(e => $"{string.Join('/', e.Addresses)}:{(e.Ready ? "R" : "")}{(e.Serving ? "S" : "")}{(e.Terminating ? "T" : "")}@{e.NodeName}"))})"))}]"));
}

/// <summary>
/// Services the planner must accept: valid DNS names, distinct ports and port names, known annotations with values
/// in range, addresses of the slice's own family, every slice carrying every port.
/// </summary>
public static class ValidServiceGen
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] PortNames = ["http", "https", "dns", "metrics", "grpc"];

    /// <summary>A DNS label of 2 to 42 characters.</summary>
    private static readonly Gen<string> DnsLabel = Gen.Select(Gen.Char['a', 'z'], Gen.String[Gen.OneOf("abcdefghijklmnopqrstuvwxyz0123456789-".ToCharArray()), 0, 40], Gen.Char['a', 'z'])
        .Select((first, middle, last) => $"{first}{middle}{last}");

    public static readonly Gen<string> GoodDuration = Gen.OneOf(
        Gen.Int[0, 3600].Select(s => $"{s}s"),
        Gen.Int[0, 60].Select(m => $"{m}m"),
        Gen.Int[0, 3_600_000].Select(ms => $"{ms}ms"),
        Gen.Select(Gen.Int[0, 58], Gen.Int[0, 59]).Select((m, s) => $"{m}m{s}s"),
        Gen.Const("1h"));

    private static readonly Gen<ImmutableSortedDictionary<string, string>> GoodAnnotations =
        Gen.Select(
                GoodDuration.Null(),
                DnsLabel.Null(),
                Gen.OneOf<string?>(null, "tcp", "http"),
                Gen.OneOf<string?>(null, "/", "/healthz", "/ready?full=1"),
                Gen.Int[1, 65535].Select(p => p.ToString(Invariant)).Null(),
                Gen.OneOf<string?>(null, "100ms", "2s", "5m"),
                Gen.Int[1, 100].Select(i => i.ToString(Invariant)).Null(),
                Gen.OneOf<string?>(null, "v2"))
            .Select((delay, name, check, path, port, interval, rise, proxy) =>
            {
                var pairs = new Dictionary<string, string?>
                {
                    [ServiceAnnotations.DrainDelay] = delay,
                    [ServiceAnnotations.Name] = name,
                    [ServiceAnnotations.HealthCheck] = check,
                    [ServiceAnnotations.HealthCheckPath] = path,
                    [ServiceAnnotations.HealthCheckPort] = port,
                    [ServiceAnnotations.HealthCheckInterval] = interval,
                    [ServiceAnnotations.HealthyThreshold] = rise,
                    [ServiceAnnotations.ProxyProtocol] = proxy,
                };
                return pairs.Where(p => p.Value is not null).ToImmutableSortedDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
            });

    /// <summary>CIDR blocks of both families, some with bits past the prefix (which the planner clears).</summary>
    private static readonly Gen<string> GoodCidr = Gen.OneOf(
        Gen.Select(Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 32]).Select((a, b, c, p) => $"{a}.{b}.{c}.0/{p}"),
        Gen.Select(Gen.Int[0, 0xffff], Gen.Int[0, 128]).Select((a, p) => $"fd00:{a:x}::1/{p}"));

    /// <summary>No ranges, ranges in the spec, or (older manifests) in the annotation.</summary>
    private static readonly Gen<(string[] Spec, string? Annotation)> GoodSourceRanges = Gen.Frequency(
        (2, Gen.Const((Array.Empty<string>(), (string?)null))),
        (1, GoodCidr.Array[1, 4].Select(blocks => (blocks, (string?)null))),
        (1, GoodCidr.Array[1, 4].Select(blocks => (Array.Empty<string>(), (string?)string.Join(", ", blocks)))));

    /// <summary>No affinity, or ClientIP with the default or any timeout Kubernetes accepts.</summary>
    private static readonly Gen<(string Kind, int? Timeout)> GoodAffinity = Gen.Frequency(
        (3, Gen.OneOf(Gen.Const(("None", (int?)null)), Gen.Const(("", (int?)null)))),
        (1, Gen.Const(("ClientIP", (int?)null))),
        (1, Gen.Int[1, ClientIpAffinity.MaxTimeoutSeconds].Select(t => ("ClientIP", (int?)t))));

    private static readonly Gen<ImmutableArray<ServicePortSnapshot>> GoodPorts =
        Gen.Int[1, PortNames.Length].SelectMany(count => Gen.Select(
                Gen.Int[1, 65535].ArrayUnique[count],
                Gen.OneOf("TCP", "UDP").Array[count])
            .Select((numbers, protocols) => PortNames.Take(count).Select((name, i) => new ServicePortSnapshot(name, protocols[i], numbers[i])).ToImmutableArray()));

    private static readonly Gen<EndpointSnapshot> GoodEndpoint =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.OneOf<string?>(null, "node-a", "node-b"))
            .Select((ready, serving, terminating, node) => new EndpointSnapshot([], ready, serving, terminating, null, node));

    private static Gen<EndpointSliceSnapshot> GoodSlice(ImmutableArray<ServicePortSnapshot> ports) =>
        Gen.Select(
                Gen.Bool,
                Gen.Int[1, 65535].Array[ports.Length],
                Gen.Select(GoodEndpoint, Gen.Int[0, 255].Array[1, 2], Gen.Bool).Array[0, 8])
            .Select((v6, targetPorts, endpoints) => new EndpointSliceSnapshot(
                "slice",
                v6 ? "IPv6" : "IPv4",
                [.. ports.Select((p, i) => new EndpointPortSnapshot(p.Name, p.Protocol, targetPorts[i]))],
                [.. endpoints.Select(e => e.Item1 with { Addresses = [.. e.Item2.Distinct().Select(n => v6 ? $"fd00:10:244::{n + 1:x}" : $"10.244.{(e.Item3 ? 1 : 0)}.{n}")] })]));

    public static readonly Gen<PlanningInput> Input =
        Gen.Select(DnsLabel, DnsLabel, GoodPorts, GoodAnnotations, GoodSourceRanges, GoodAffinity, Gen.Int[1, 3])
            .SelectMany((ns, name, ports, annotations, ranges, affinity, clusters) =>
                GoodSlice(ports).Array[1, 3].Array[clusters].Select(slicesPerCluster =>
                {
                    var service = Fixtures.Service(
                        ports: ports,
                        annotations: ranges.Annotation is { } legacy ? annotations.SetItem(SourceRangesField.Annotation, legacy) : annotations,
                        sourceRanges: ranges.Spec) with { SessionAffinity = affinity.Kind, AffinityTimeoutSeconds = affinity.Timeout };
                    var observations = slicesPerCluster
                        .Select((slices, i) => new ClusterObservation($"c{i}", service with { CreatedAt = service.CreatedAt.AddMinutes(i) }, [.. slices]))
                        .ToImmutableArray();
                    return new PlanningInput(new ServiceKey(ns, name), observations, Fixtures.Capabilities);
                }));
}
