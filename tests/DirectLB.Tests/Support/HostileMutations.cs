using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CsCheck;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;

namespace DirectLB.Tests.Support;

/// <summary>One way to make a valid Service invalid, named for the table of cases a property run prints.</summary>
public sealed record HostileMutation(string Kind, Func<PlanningInput, PlanningInput> Apply)
{
    public override string ToString() => Kind;
}

/// <summary>
/// Every class of invalid input known to the planner, each with generated content. Each one, applied to a valid
/// Service, must turn the plan into errors: the oracle is the class, not the planner.
/// </summary>
public static class HostileMutations
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Durations over an hour, negative, overflowing, in other scripts' digits, or not durations at all.</summary>
    public static readonly Gen<string> BadDrainDelay = Gen.Frequency(
        (2, Gen.Long[3601, long.MaxValue].Select(s => $"{s}s")),
        (2, Gen.Int[61, int.MaxValue].Select(m => $"{m}m")),
        (2, Gen.Int[2, int.MaxValue].Select(h => $"{h}h")),
        (2, Gen.Select(Gen.Char['1', '9'], Gen.Char['0', '9'].Array[20, 400], Gen.OneOf("h", "m", "s", "ms")).Select((d, ds, u) => d + new string(ds) + u)),
        (1, ValidServiceGen.GoodDuration.Select(d => "-" + d)),
        (1, Gen.OneOf("99999999999h", "٣٠s", "３０s", "30", "30d", "30us", "", " ", "1e9s", "30s30", ".5s", "5.s", "NaN", "Infinity", "1h1s", "59m61s")));

    private static readonly ImmutableHashSet<string> KnownKeys = [.. HostileGen.KnownKeys];

    private static readonly Gen<string> NotAPort = Gen.OneOf(
        Gen.Int.Where(p => p is < 1 or > 65535).Select(p => p.ToString(Invariant)),
        Gen.OneOf("", "http", "80a", "8080.0", "65536", "99999999999999999999", "٨٠", "0x50"));

    /// <summary>Another spelling of an IPv6 address ("FD00::1", "0:0::1"): valid in an IPv6 slice, which the planner canonicalizes.</summary>
    private static bool IsIPv6Spelling(string address) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 && !address.Contains('%');

    private static HostileMutation Annotation(string kind, string key, string value) => new(kind, i => i.WithAnnotation(key, value));

    private static Gen<HostileMutation> Annotation(string kind, string key, Gen<string> values) =>
        values.Select(v => Annotation(kind, key, v));

    private static HostileMutation OnFirstPort(string kind, Func<ServicePortSnapshot, ServicePortSnapshot> change) =>
        new(kind, i => i.WithService(s => s with { Ports = s.Ports.SetItem(0, change(s.Ports[0])) }));

    /// <summary>A slice endpoint that certainly becomes a target unless refused: ready, in the first slice, which carries every port.</summary>
    private static HostileMutation ReadyEndpoint(string kind, string address) =>
        new(kind, i => i.WithFirstSlice(s => s with { Endpoints = s.Endpoints.Add(new EndpointSnapshot([address], true, true, false, null)) }));

    public static readonly Gen<HostileMutation> Any = Gen.OneOf(
        Annotation("drain-delay out of range or malformed", ServiceAnnotations.DrainDelay, BadDrainDelay),
        Gen.String[Gen.Char, 0, 30].Select(t => ServiceAnnotations.Prefix + t).Where(k => !KnownKeys.Contains(k))
            .Select(k => Annotation("unknown directlb.io annotation", k, "x")),
        Gen.OneOf("scheme", "tags").Select(k => Annotation("annotation not yet supported", ServiceAnnotations.Prefix + k, "internal")),
        Annotation("name not a DNS label", ServiceAnnotations.Name, HostileGen.Text.Where(t => !HostileOracle.IsProviderSafeName(t.Trim()))),
        Annotation("scope neither global nor cluster", ServiceAnnotations.Scope, HostileGen.Text.Where(t => t.Trim() is not (ServiceScope.Global or ServiceScope.PerCluster))),
        Annotation("health-check-port not a port", ServiceAnnotations.HealthCheckPort, NotAPort),
        Annotation("health-check-interval out of range", ServiceAnnotations.HealthCheckInterval, Gen.OneOf(BadDrainDelay, Gen.OneOf("99ms", "0s", "5m1s", "6m"))),
        Annotation("health-check threshold out of range", ServiceAnnotations.HealthyThreshold, Gen.Int.Where(n => n is < 1 or > 100).Select(n => n.ToString(Invariant))),
        Annotation("health-check-path unsafe", ServiceAnnotations.HealthCheckPath, HostileGen.Text.Where(t => !HostileOracle.IsSafeHttpPath(t.Trim()))),
        Gen.Const(new HostileMutation("health-check none with a path", i => i.WithAnnotation(ServiceAnnotations.HealthCheck, "none").WithAnnotation(ServiceAnnotations.HealthCheckPath, "/x"))),
        Annotation("proxy-protocol not v2", ServiceAnnotations.ProxyProtocol, HostileGen.Text.Where(t => t.Trim() != "v2")),
        Annotation("cluster-weights not adding up to 100", ServiceAnnotations.ClusterWeights, Gen.OneOf(
            Gen.Int[0, 100].Array[1, 4].Where(a => a.Sum() != 100).Select(a => string.Join(',', a.Select((p, n) => $"c{n}={p}"))),
            Gen.OneOf("c0=150,c1=-50", "c0=50,c0=50", "=100", "c0", "c0=100%", "c0=1e2", "c0=٣٠,c1=70"))),
        Gen.Const(new HostileMutation("weighting without provider weights", i => i.WithAnnotation(ServiceAnnotations.Weighting, "node") with { Capabilities = i.Capabilities with { SupportsWeights = false } })),
        HostileGen.PortNumber.Where(p => p is < 1 or > 65535).Select(p => OnFirstPort("service port out of range", port => port with { Port = p })),
        HostileGen.Protocol.Where(p => p is not ("TCP" or "UDP" or "SCTP")).Select(p => OnFirstPort("unknown protocol", port => port with { Protocol = p })),
        Gen.Const(new HostileMutation("protocol the provider lacks", i => i with { Capabilities = i.Capabilities with { Protocols = new HashSet<TransportProtocol>() } })),
        Gen.Const(new HostileMutation("same port twice", i => i.WithService(s => s with { Ports = s.Ports.Add(s.Ports[0] with { Name = "again" }) }))),
        Gen.Const(new HostileMutation("same port name twice", i => i.WithService(s => s with { Ports = s.Ports.Add(s.Ports[0] with { Port = s.Ports[0].Port % 65535 + 1, Protocol = s.Ports[0].Protocol == "TCP" ? "UDP" : "TCP" }) }))),
        HostileGen.Cidr.Where(c => !HostileOracle.IsCidrBlock(c.Trim()))
            .Select(c => new HostileMutation("source range not a CIDR block", i => i.WithService(s => s with { SourceRanges = [.. s.SourceRanges, c] }))),
        HostileGen.Cidr.Where(c => !HostileOracle.IsCidrBlock(c.Trim()))
            .Select(c => new HostileMutation("annotated source range not a CIDR block", i => i.WithService(s => s with { SourceRanges = [] }).WithAnnotation(SourceRangesField.Annotation, $"10.0.0.0/8,{c}"))),
        Gen.OneOf("clientip", "ClientIp", "Client IP", "ClientIP ", "none", "Node", "").Where(v => v.Length > 0)
            .Select(v => new HostileMutation("session affinity neither None nor ClientIP", i => i.WithService(s => s with { SessionAffinity = v }))),
        Gen.Frequency((2, Gen.Int[int.MinValue, 0]), (2, Gen.Int[ClientIpAffinity.MaxTimeoutSeconds + 1, int.MaxValue]))
            .Select(t => new HostileMutation("affinity timeout out of range", i => i.WithService(s => s with { SessionAffinity = "ClientIP", AffinityTimeoutSeconds = t }))),
        Gen.Const(new HostileMutation("affinity the provider cannot keep", i => i.WithService(s => s with { SessionAffinity = "ClientIP" }) with { Capabilities = i.Capabilities with { SupportsSessionAffinity = false } })),
        HostileGen.Address.Where(a => a.Trim().Length > 0 && !HostileOracle.IsCanonicalAddress(a.Trim()) && !IsIPv6Spelling(a.Trim()))
            .Select(a => new HostileMutation("requested address not an IP", i => i.WithService(s => s with { LoadBalancerIP = a }) with { Capabilities = i.Capabilities with { SupportsRequestedAddress = true } })),
        HostileGen.Address.Where(a => a.Trim().Length > 0 && !HostileOracle.IsCanonicalAddress(a.Trim()) && !IsIPv6Spelling(a.Trim()))
            .Select(a => new HostileMutation("annotated address not an IP", i => i.WithAnnotation(RequestedAddressField.Annotation, a) with { Capabilities = i.Capabilities with { SupportsRequestedAddress = true } })),
        Gen.Const(new HostileMutation("two different requested addresses", i => i.WithService(s => s with { LoadBalancerIP = "192.0.2.10" }).WithAnnotation(RequestedAddressField.Annotation, "192.0.2.11") with { Capabilities = i.Capabilities with { SupportsRequestedAddress = true } })),
        Gen.Const(new HostileMutation("requested address the provider cannot give", i => i.WithService(s => s with { LoadBalancerIP = "192.0.2.10" }) with { Capabilities = i.Capabilities with { SupportsRequestedAddress = false } })),
        Gen.OneOf("ipv4", "IPV6", "IPv5", "", "IPv4 ").Select(f => new HostileMutation("IP family unknown", i => i.WithService(s => s with { IpFamilies = [f] }))),
        Gen.OneOf("DualStack", "singlestack", "", "RequireDualStack").Select(p => new HostileMutation("IP family policy unknown or not satisfiable", i => i.WithService(s => s with { IpFamilies = ["IPv4", "IPv6"], IpFamilyPolicy = p }))),
        Gen.Const(new HostileMutation("IPv6 single stack without an IPv6 address", i => i.WithService(s => s with { IpFamilies = ["IPv6"], LoadBalancerIP = null }).WithAnnotation(RequestedAddressField.Annotation, ""))),
        Gen.Const(new HostileMutation("source ranges the provider cannot enforce", i => i.WithService(s => s with { SourceRanges = ["10.0.0.0/8"] }) with { Capabilities = i.Capabilities with { SupportsSourceRanges = false } })),
        HostileGen.Address.Where(a => !HostileOracle.IsCanonicalAddress(a) && !IsIPv6Spelling(a)).Select(a => ReadyEndpoint("endpoint address not an IP", a)),
        Gen.Const(new HostileMutation("endpoint address of the other family", i => ReadyEndpoint("", i.Observations[0].Slices[0].AddressType == "IPv6" ? "10.244.9.9" : "fd00::9").Apply(i))),
        HostileGen.PortNumber.Where(p => p is < 1 or > 65535).Select(p => new HostileMutation(
            "endpoint port out of range",
            i => ReadyEndpoint("", i.Observations[0].Slices[0].AddressType == "IPv6" ? "fd00::8" : "10.244.8.8").Apply(i).WithFirstSlice(s => s with { Ports = s.Ports.SetItem(0, s.Ports[0] with { Port = p }) }))),
        Gen.Const(new HostileMutation("more targets than the provider allows", i => ReadyEndpoint("", i.Observations[0].Slices[0].AddressType == "IPv6" ? "fd00::7" : "10.244.7.7").Apply(i) with { Capabilities = i.Capabilities with { MaxTargetsPerLoadBalancer = 0 } })));
}
