using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;

namespace DirectLB.Failover.Tests.Support;

/// <summary>Reads the simulated cloud as the tests compare it with the fleet's desired state.</summary>
public static class Cloud
{
    /// <summary>Load balancers by name; a name held twice would be a duplicate load balancer, which <see cref="Duplicates"/> reports.</summary>
    public static IReadOnlyDictionary<string, LoadBalancerInfo> ByName(SimulatedProvider cloud) =>
        cloud.LoadBalancers.GroupBy(lb => lb.Name).ToDictionary(g => g.Key, g => g.First());

    public static IReadOnlyList<string> Duplicates(SimulatedProvider cloud) =>
        [.. cloud.LoadBalancers.GroupBy(lb => lb.Tags.GetValueOrDefault(LoadBalancerOwner.ServiceTag) ?? lb.Name).Where(g => g.Count() > 1).Select(g => g.Key)];

    /// <summary>The load balancer's default name: namespace-name.</summary>
    public static string LoadBalancerName(string service) => $"{EndToEnd.Tests.Support.KubeObjects.Namespace}-{service}";

    public static bool Matches(ServiceFleet fleet, IReadOnlyDictionary<string, LoadBalancerInfo> byName, string service) =>
        byName.TryGetValue(LoadBalancerName(service), out var lb) && ServiceFleet.ActualTargets(lb).SetEquals(fleet.ExpectedTargets(service));
}
