using System.Text.Json;
using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// A burst of hostile Services, each invalid in its own way, created at once through the API test server: every one
/// gets its InvalidConfiguration Event and no load balancer, a good Service turned hostile keeps its load balancer, and
/// a good Service created after the burst converges. Only what a real API server lets through is here (it validates
/// ports, protocols, names, CIDRs and endpoint addresses at the door, and so does the test server; the planner's own
/// checks of those are in DirectLB.Tests): annotations, SCTP, IPv4 written with leading zeros, slice port numbers.
/// </summary>
[Trait("Category", "EndToEnd")]
public class HostileBurstTests : EndToEndTest
{
    private const string Prefix = "directlb.io/";

    [Fact]
    public async Task A_burst_of_hostile_services_gets_events_and_nothing_else_and_a_good_service_still_converges()
    {
        Api.Store.Create(LoadBalancerService("kept"));
        Api.Store.Create(Slice("kept", "kept-abc", Ready("10.244.9.1"), Ready("10.244.9.2")));
        await TargetsAre("10.244.9.1:8080", "10.244.9.2:8080");
        var kept = JsonSerializer.Serialize(Cloud.LoadBalancers.Single());

        var hostile = HostileServices().ToList();
        foreach (var (service, slice, _) in hostile)
        {
            Api.Store.Create(slice);
            Api.Store.Create(service);
        }

        var keptService = Api.Store.Get<V1Service>(Namespace, "kept")!;
        keptService.Metadata.Annotations = new Dictionary<string, string> { [Prefix + "drain-delay"] = "99999999999h" };
        Api.Store.Replace(keptService);

        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5"), Ready("10.244.1.6")));

        await Eventually.Assert(
            () => Assert.Equal(["10.244.1.5:8080", "10.244.1.6:8080"], TargetsOf("web")),
            TimeSpan.FromSeconds(60));
        await Eventually.Assert(
            () => Assert.Equal([], hostile.Select(h => h.Service.Metadata.Name).Append("kept").Where(name => !Warned(name)).ToArray()),
            TimeSpan.FromSeconds(60));

        Assert.Equal(kept, JsonSerializer.Serialize(Cloud.LoadBalancers.Single(lb => lb.Tags["directlb.io/service"] == "shop/kept")));
        // A Service whose own spec is invalid never gets a finalizer or a load balancer. One whose slice is invalid may
        // have been seen a moment before its slice (as in a real cluster, where the slice follows the Service): it then
        // has a load balancer with no targets, and its bad endpoints never reach it.
        Assert.All(hostile.Where(h => !h.SliceOnly), h => Assert.Null(Api.Store.Get<V1Service>(Namespace, h.Service.Metadata.Name)!.Metadata.Finalizers));
        Assert.All(hostile.Where(h => h.SliceOnly), h => Assert.Empty(TargetsOf(h.Service.Metadata.Name)));
        Assert.Equal(
            ["shop/kept", "shop/web"],
            Cloud.LoadBalancers.Where(lb => lb.Listeners.Any(l => l.Targets.Count > 0)).Select(lb => lb.Tags["directlb.io/service"]).Order());
        Assert.Contains("99999999999h", Api.Store.CoreEventsFor(Namespace, "kept", "Service").Last().Message);
        using var http = new HttpClient { BaseAddress = DirectLb.BaseAddress };
        Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);
    }

    private bool Warned(string name) =>
        Api.Store.CoreEventsFor(Namespace, name, "Service").Any(e => e.Type == "Warning" && e.Reason == ServiceEventReason.InvalidConfiguration);

    private string[] TargetsOf(string service) =>
        Cloud.LoadBalancers.SingleOrDefault(lb => lb.Tags["directlb.io/service"] == $"{Namespace}/{service}")?.Listeners
            .SelectMany(l => l.Targets).Select(t => t.Key.ToString()).Order().ToArray() ?? [];

    /// <summary>Every class of invalid input, several values each, some of them on oddly named Services.</summary>
    private static IEnumerable<(V1Service Service, V1EndpointSlice Slice, bool SliceOnly)> HostileServices()
    {
        var cases = new List<Action<V1Service, V1EndpointSlice>>();
        void Annotate(string key, params string[] values) =>
            cases.AddRange(values.Select(v => (Action<V1Service, V1EndpointSlice>)((s, _) => s.Metadata.Annotations = new Dictionary<string, string> { [key] = v })));

        Annotate(Prefix + "drain-delay", "99999999999h", new string('9', 400) + "s", "5000000h5000000h", "٣٠s", "３０s", "-5s", "2h", "", "\u202E30s", "30s\0", new string('7', 200_000) + "ms");
        Annotate(Prefix + "name", "UPPER", "a_b", new string('a', 64), "ünï", "-lead");
        Annotate(Prefix + "drain-dealy", "5s");
        Annotate(Prefix + "scheme", "internal");
        Annotate(Prefix + "health-check-path", "/a#b", "/\"q\"", "/é", "no-slash", "/a b", "/back\\slash");
        Annotate(Prefix + "health-check-port", "0", "70000", "http", "99999999999999999999");
        Annotate(Prefix + "health-check-interval", "99999999999h", "1ms", "10m");
        Annotate(Prefix + "health-check-healthy-threshold", "0", "101", "-1", "2147483648");
        Annotate(Prefix + "cluster-weights", "east=70", "east=150,west=-50", "east=x", "east=4294967396");
        Annotate(Prefix + "scope", "everywhere");
        Annotate(Prefix + "weighting", "zone");
        Annotate(Prefix + "proxy-protocol", "v1");
        Annotate(Prefix + "health-check", "udp");
        cases.Add((s, _) => s.Metadata.Annotations = new Dictionary<string, string> { [Prefix + "health-check"] = "none", [Prefix + "health-check-path"] = "/x" });
        cases.Add((s, _) => s.Spec.Ports[0].Protocol = "SCTP");
        // A real server reads these blocks leniently (leading zeros); DirectLB refuses to guess what a typo meant.
        cases.Add((s, _) => s.Spec.LoadBalancerSourceRanges = ["10.0.0.0/8", "010.168.0.0/16"]);
        cases.Add((s, _) => s.Metadata.Annotations = new Dictionary<string, string> { ["service.beta.kubernetes.io/load-balancer-source-ranges"] = "10.0.0.0/8,192.168.0.0/016" });
        var sliceCasesFrom = cases.Count;
        cases.Add((_, slice) => slice.Endpoints = [.. slice.Endpoints, Ready("010.0.0.1")]);
        cases.AddRange(new[] { 0, 70000, -8080 }.Select(p => (Action<V1Service, V1EndpointSlice>)((_, slice) => slice.Ports[0].Port = p)));

        string[] oddNames = [new string('n', 63), "x", "n0", "a--b"];
        for (var i = 0; i < cases.Count; i++)
        {
            var name = i < oddNames.Length ? oddNames[i] : $"hostile-{i}";
            var service = LoadBalancerService(name);
            var slice = Slice(name, $"{name}-abc", Ready($"10.244.2.{i % 250}"));
            cases[i](service, slice);
            yield return (service, slice, i >= sliceCasesFrom);
        }
    }
}
