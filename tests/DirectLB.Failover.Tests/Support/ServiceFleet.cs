using System.Collections.Concurrent;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.Failover.Tests.Support;

/// <summary>
/// N LoadBalancer Services in the API test server, each with one EndpointSlice whose ready endpoints change with
/// each "generation" (a rollout). Knows, for every Service, what its load balancer must hold, and since when.
/// </summary>
public sealed class ServiceFleet(ObjectStore store, int count)
{
    private readonly int[] _generations = new int[count];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _changedAt = new(StringComparer.Ordinal);

    public int Count => count;

    public IEnumerable<string> Names => Enumerable.Range(0, count).Select(NameOf);

    public static string NameOf(int index) => $"svc-{index:D3}";

    /// <summary>The entity key (namespace/name) of a Service, as replicas report it.</summary>
    public static string KeyOf(string name) => $"{Namespace}/{name}";

    public void CreateAll()
    {
        store.EnsureNamespaces(Namespace);
        for (var i = 0; i < count; i++)
        {
            // Removed endpoints vanish from the slice; a short drain keeps the final state quick to reach anyway.
            store.Create(LoadBalancerService(NameOf(i), new Dictionary<string, string> { ["directlb.io/drain-delay"] = "500ms" }));
            store.Create(CurrentSlice(i));
            _changedAt[NameOf(i)] = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>A rollout of one Service: its ready endpoints become the next generation's.</summary>
    public void Roll(int index)
    {
        lock (_generations)
        {
            _generations[index]++;
            store.Replace(CurrentSlice(index));
            _changedAt[NameOf(index)] = DateTimeOffset.UtcNow;
        }
    }

    public void Roll(string name) => Roll(int.Parse(name["svc-".Length..]));

    public DateTimeOffset ChangedAt(string name) => _changedAt[name];

    /// <summary>The targets the Service's load balancer must hold: its ready endpoints, all serving.</summary>
    public IReadOnlySet<string> ExpectedTargets(string name)
    {
        var index = int.Parse(name["svc-".Length..]);
        lock (_generations)
        {
            return ReadyAddresses(index, _generations[index]).Select(ip => $"{ip}:8080 serving").ToHashSet();
        }
    }

    /// <summary>What a load balancer holds, in the form of <see cref="ExpectedTargets"/>.</summary>
    public static IReadOnlySet<string> ActualTargets(LoadBalancerInfo lb) =>
        lb.Listeners.SelectMany(l => l.Targets).Select(t => $"{t.Key} {t.State.ToString().ToLowerInvariant()}").ToHashSet();

    private k8s.Models.V1EndpointSlice CurrentSlice(int index) =>
        Slice(NameOf(index), $"{NameOf(index)}-a", [.. ReadyAddresses(index, _generations[index]).Select(Ready)]);

    /// <summary>Two or three pod IPs per generation, unique per Service; each rollout replaces some of them.</summary>
    private static IEnumerable<string> ReadyAddresses(int index, int generation) =>
        Enumerable.Range(0, 2 + (generation % 2)).Select(k => $"10.{1 + (index >> 8)}.{index & 255}.{((generation * 2) + k) % 250 + 1}");
}
