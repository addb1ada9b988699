using System.Collections.Immutable;
using System.Globalization;
using CsCheck;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Tests.Support;

/// <summary>
/// Generators of what a user, a broken tool or an API server that validates nothing could hand the planner:
/// huge, empty, negative, overflowing and unicode values, duplicate ports, every protocol, IPv6, odd names.
/// </summary>
public static class HostileGen
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Values that have broken parsers elsewhere: signs, exponents, other scripts' digits, direction marks, NUL.</summary>
    private static readonly string[] Tricky =
    [
        "", " ", "\t", "\n", "\0", "0", "-0", "-1", "+80", "80", " 80 ", "65535", "65536", "2147483647", "2147483648",
        "-2147483649", "99999999999999999999", "1e9", "1e309", "NaN", "Infinity", "-Infinity", "0x50", "٣٠", "３０",
        "٣٠s", "３０s", "🚀", "\u202Eevil", "e\u0301", "null", "true", "=", ",", "==", "a=100", "\ud800", "ǅ", "İ",
        "/", "//", "/ok#frag", "/\"quoted\"", "/it's", "/back\\slash", "/\u0085", "/é", "%", "\r\n",
    ];

    private static readonly string[] Units = ["h", "m", "s", "ms", "", "us", "µs", "d", "H", "ns"];

    public static readonly Gen<string> Number = Gen.OneOf(
        Gen.Int.Select(i => i.ToString(Invariant)),
        Gen.Long.Select(i => i.ToString(Invariant)),
        Gen.Double.Select(d => d.ToString("R", Invariant)),
        Gen.Int[0, 100].Select(i => i.ToString(Invariant)),
        Gen.Char['0', '9'].Array[1, 400].Select(c => new string(c)),
        Gen.Select(Gen.Int[0, 999], Gen.Int[0, 999]).Select((a, b) => $"{a}.{b}"));

    /// <summary>Go-style durations, well-formed or not: 30s, 1m30s, 99999999999h, -5s, 1e309s, ٣٠s.</summary>
    public static readonly Gen<string> Duration = Gen.Select(Number, Gen.OneOf(Units))
        .Select((n, u) => n + u)
        .Array[1, 3]
        .Select(parts => string.Concat(parts));

    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.OneOf(Tricky)),
        (2, Gen.String[Gen.Char.AlphaNumeric, 0, 70]),
        (2, Gen.String),
        (1, Gen.String[Gen.Char, 0, 3000]),
        (1, Gen.Char['a', 'z'].Array[64, 300].Select(c => new string(c))));

    /// <summary>cluster=percent lists, adding up to 100 or not, with repeats, gaps and signs.</summary>
    public static readonly Gen<string> Shares = Gen.Select(
            Gen.Select(Gen.OneOf("east", "west", "", "é", " east"), Gen.Frequency((3, Gen.Int[0, 100].Select(i => i.ToString(Invariant))), (1, Number)))
                .Select((c, p) => $"{c}={p}")
                .Array[0, 4],
            Gen.OneOf(",", ", ", ",,"))
        .Select((pairs, separator) => string.Join(separator, pairs));

    /// <summary>CIDR blocks as users write them and mistype them: host bits set, prefixes out of range, zones, signs, no prefix.</summary>
    public static readonly Gen<string> Cidr = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 32]).Select((a, b, p) => $"{a}.{b}.0.0/{p}")),
        (2, Gen.Select(Gen.Int[0, 0xffff], Gen.Int[0, 128]).Select((a, p) => $"fd00:{a:x}::/{p}")),
        (2, Gen.OneOf("10.0.0.0/33", "::/129", "010.0.0.0/8", "10.0.0.0", "10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/+8", "fe80::1%eth0/64",
            "10.0.0.0/8/8", "/8", "10.0.0/8", " 10.0.0.0/8", "10.0.0.0/٨", "0.0.0.0/0", "::/0", "FD00::1/8", "1.2.3.4/32", "::ffff:10.0.0.0/104")),
        (1, Text));

    /// <summary>The older source ranges annotation's value: comma-separated blocks, with empty entries and odd separators.</summary>
    public static readonly Gen<string> CidrList = Gen.Select(Cidr.Array[0, 4], Gen.OneOf(",", ", ", ",,", ";", " "))
        .Select((blocks, separator) => string.Join(separator, blocks));

    /// <summary>Every annotation DirectLB knows.</summary>
    public static readonly string[] KnownKeys =
    [
        ServiceAnnotations.DrainDelay, ServiceAnnotations.Name, ServiceAnnotations.Scope, ServiceAnnotations.ClusterWeights,
        ServiceAnnotations.Weighting, ServiceAnnotations.ProxyProtocol, ServiceAnnotations.HealthCheck,
        ServiceAnnotations.HealthCheckPath, ServiceAnnotations.HealthCheckPort, ServiceAnnotations.HealthCheckInterval,
        ServiceAnnotations.HealthyThreshold, ServiceAnnotations.UnhealthyThreshold,
    ];

    public static readonly Gen<string> AnnotationKey = Gen.Frequency(
        (6, Gen.OneOf(KnownKeys)),
        (1, Gen.OneOf("directlb.io/scheme", "directlb.io/tags", "directlb.io/", "DirectLB.io/drain-delay", "example.com/x", "directlb.io/drain-delay ")),
        (1, Gen.Const(SourceRangesField.Annotation)),
        (1, Text.Select(t => ServiceAnnotations.Prefix + t)));

    /// <summary>Valid values of every annotation, so that a generated map is not always wrong at its first key.</summary>
    private static readonly string[] GoodValues = ["30s", "1m30s", "500ms", "0s", "web-lb", "global", "cluster", "east=70,west=30", "east=100", "pod", "node", "v2", "tcp", "http", "none", "/healthz", "8080", "1s", "3"];

    public static readonly Gen<string> AnnotationValue = Gen.Frequency(
        (3, Gen.OneOf(GoodValues)),
        (3, Duration),
        (2, Number),
        (3, Text),
        (1, Shares),
        (1, CidrList));

    public static readonly Gen<ImmutableSortedDictionary<string, string>> Annotations =
        Gen.Select(AnnotationKey, AnnotationValue).Array[Gen.Frequency((2, Gen.Const(0)), (2, Gen.Int[1, 2]), (1, Gen.Int[3, 6]))].Select(pairs =>
        {
            var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in pairs)
            {
                builder[key] = value;
            }

            return builder.ToImmutable();
        });

    public static readonly Gen<int> PortNumber = Gen.Frequency(
        (8, Gen.Int[1, 65535]),
        (2, Gen.OneOf(0, -1, 65536, int.MaxValue, int.MinValue)),
        (1, Gen.Int));

    public static readonly Gen<string> Protocol = Gen.Frequency(
        (6, Gen.Const("TCP")),
        (3, Gen.Const("UDP")),
        (1, Gen.Const("SCTP")),
        (1, Gen.OneOf("tcp", "", "HTTP", "TCP ", "ＴＣＰ", "udp")),
        (1, Text));

    public static readonly Gen<string> PortName = Gen.Frequency(
        (6, Gen.OneOf("http", "https", "", "dns")),
        (1, Text));

    public static readonly Gen<ServicePortSnapshot> ServicePort =
        Gen.Select(PortName, Protocol, Gen.Frequency((4, Gen.OneOf(80, 443, 53)), (3, PortNumber)))
            .Select((name, protocol, port) => new ServicePortSnapshot(name, protocol, port));

    public static readonly Gen<EndpointPortSnapshot> EndpointPort =
        Gen.Select(PortName, Protocol, PortNumber).Select((name, protocol, port) => new EndpointPortSnapshot(name, protocol, port));

    private static readonly Gen<string> IPv4 = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 9]).Select((a, b) => $"10.244.{a}.{b}");

    private static readonly Gen<string> IPv6 = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 15]).Select((a, b) => $"fd00:10:244:{a}::{b:x}");

    /// <summary>Addresses from a small range so they repeat across slices, IPv6 in several spellings, and things that are no address.</summary>
    public static readonly Gen<string> Address = Gen.Frequency(
        (6, IPv4),
        (3, IPv6),
        (2, Gen.OneOf("::1", "::ffff:10.244.0.1", "0:0:0:0:0:0:0:1", "FD00:10:244::1", "fe80::1%eth0", "256.1.1.1", "1.2.3.4/32", "10.0.0.1:80", "localhost", "", " 10.244.0.1", "10.244.0.01", "0.0.0.0", "255.255.255.255", "1", "::")),
        (1, Text));

    private static Gen<EndpointSnapshot> Endpoint(Gen<string> address) =>
        Gen.Select(address.Array[0, 3], Gen.Bool, Gen.Bool, Gen.Bool, Gen.OneOf("node-a", "node-b", "", "ノード").Null())
            .Select((addresses, ready, serving, terminating, node) => new EndpointSnapshot([.. addresses], ready, serving, terminating, null, node));

    private static Gen<EndpointSliceSnapshot> SliceOf(Gen<string> addressType, Gen<EndpointSnapshot> endpoint) =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 0, 10], addressType, EndpointPort.Array[0, 4], endpoint.Array[0, 12])
            .Select((name, type, ports, endpoints) => new EndpointSliceSnapshot(name, type, [.. ports], [.. endpoints]));

    /// <summary>Most slices hold addresses of their own family; one in four holds anything, of any address type.</summary>
    public static readonly Gen<EndpointSliceSnapshot> Slice = Gen.Frequency(
        (2, SliceOf(Gen.Const("IPv4"), Endpoint(IPv4))),
        (1, SliceOf(Gen.Const("IPv6"), Endpoint(IPv6))),
        (1, SliceOf(Gen.Frequency((6, Gen.Const("IPv4")), (3, Gen.Const("IPv6")), (1, Gen.OneOf("FQDN", "", "ipv4"))), Endpoint(Address))));

    /// <summary>spec.sessionAffinity and its timeout as the API could hand them, valid or not.</summary>
    public static readonly Gen<(string Kind, int? Timeout)> Affinity = Gen.Frequency(
        (6, Gen.Const(("None", (int?)null))),
        (2, Gen.Select(Gen.OneOf("ClientIP", "None", ""), Gen.Frequency((2, Gen.Const((int?)null)), (2, Gen.Int[1, 86400].Select(t => (int?)t)), (1, Gen.Int.Select(t => (int?)t))))),
        (1, Gen.Select(Gen.OneOf("clientip", "Client IP", "sticky"), Gen.Const((int?)null)).Select((k, t) => (k, t))));

    public static readonly Gen<ServiceSnapshot> Service =
        Gen.Select(
                Gen.Frequency((9, Gen.Const("LoadBalancer")), (1, Gen.OneOf("ClusterIP", "", "loadbalancer"))),
                Gen.Frequency((9, Gen.Const<string?>(ServiceClassFilter.DefaultClass)), (1, Gen.OneOf<string?>(null, "other.io/lb", ""))),
                Gen.Frequency((3, ServicePort.Array[0, 4].Select(ports => ports.DistinctBy(p => p.Name).ToArray())), (1, ServicePort.Array[0, 8])),
                Annotations,
                Gen.Frequency((14, Gen.Const(Array.Empty<string>())), (4, Cidr.Array[1, 4]), (1, Text.Array[1, 2]), (1, Gen.Const(Array.Empty<string>()).Select(_ => Enumerable.Repeat("10.0.0.0/8", 1001).ToArray()))),
                Gen.Frequency((4, Gen.Const(Fixtures.Now)), (1, Gen.OneOf(DateTimeOffset.MinValue, DateTimeOffset.MaxValue)), (1, Gen.DateTimeOffset)),
                Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true))))
            .Select((type, cls, ports, annotations, ranges, created, deleting) => new ServiceSnapshot(
                "uid-1", "1", created, type, cls, [.. ports], annotations, [.. ranges], true, deleting, []))
            .SelectMany(s => Affinity.Select(a => s with { SessionAffinity = a.Kind, AffinityTimeoutSeconds = a.Timeout }))
            .SelectMany(s => Gen.Frequency((6, Gen.Const((string?)null)), (1, Address.Select(a => (string?)a))).Select(ip => s with { LoadBalancerIP = ip }));

    public static readonly Gen<string> ClusterId = Gen.Frequency((6, Gen.OneOf("east", "west", "north")), (1, Text));

    /// <summary>One to three member clusters, each id once (the entity keeps one observation per cluster).</summary>
    public static readonly Gen<ImmutableArray<ClusterObservation>> Observations =
        Gen.Select(ClusterId, Service, Slice.Array[0, 4], Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true))))
            .Select((id, service, slices, stale) => new ClusterObservation(id, service, [.. slices], stale))
            .Array[1, 3]
            .Select(all => all.DistinctBy(o => o.ClusterId).ToImmutableArray());

    public static readonly Gen<ServiceKey> Key =
        Gen.Select(
                Gen.Frequency((6, Gen.OneOf("shop", "default", "kube-system")), (1, Text)),
                Gen.Frequency((6, Gen.OneOf("web", "a", new string('x', 63), "web-1")), (1, Text)),
                Gen.Frequency((6, Gen.Const((string?)null)), (1, ClusterId.Select(c => (string?)c))))
            .Select((ns, name, cluster) => new ServiceKey(ns, name, cluster));

    private static readonly TransportProtocol[] AllProtocols = Enum.GetValues<TransportProtocol>();

    public static readonly Gen<ProviderCapabilities> Capabilities =
        Gen.Select(
                Gen.Bool,
                Gen.Bool,
                Gen.Frequency((1, Gen.Int[0, 5]), (1, Gen.Int[0, 100]), (3, Gen.Const(1000)), (1, Gen.Const(int.MaxValue))),
                Gen.Bool.Array[AllProtocols.Length],
                Gen.Bool,
                Gen.Bool,
                Gen.Bool)
            .Select((weights, drain, max, which, ranges, affinity, address) => new ProviderCapabilities(
                weights, drain, max, AllProtocols.Where((_, i) => which[i]).ToHashSet()) { SupportsSourceRanges = ranges, SupportsSessionAffinity = affinity, SupportsRequestedAddress = address });

    public static readonly Gen<PlannerOptions> Options = Gen.Frequency(
        (8, Gen.Const(new PlannerOptions())),
        (1, Gen.Const(new PlannerOptions { DefaultDrainDelay = TimeSpan.MaxValue, MaxDrainDelay = TimeSpan.MaxValue })),
        (1, Gen.Const(new PlannerOptions { DefaultDrainDelay = TimeSpan.Zero, MaxDrainDelay = TimeSpan.Zero })));
}
