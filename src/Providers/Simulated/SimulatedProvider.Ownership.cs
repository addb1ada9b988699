using DirectLB.Providers.Model;

namespace DirectLB.Providers.Simulated;

/// <summary>
/// Ownership in the simulated cloud: every call by id checks the caller's tags, and finding an owner's load balancer
/// goes through an index of the owner tags, as a cloud's tag index does, so a read-back is not a scan of every load
/// balancer (at 10,000 it was, and allocated ~400 KB per read).
/// </summary>
public sealed partial class SimulatedProvider
{
    private readonly Dictionary<(string Scope, string Service), List<SimulatedLoadBalancer>> _byOwnerTags = [];

    private SimulatedLoadBalancer? FindOwned(LoadBalancerOwner owner) =>
        _byOwnerTags.GetValueOrDefault((owner.ClusterScope, owner.ServiceTagValue))?.FirstOrDefault(lb => owner.Owns(lb.Tags));

    private void Index(SimulatedLoadBalancer lb)
    {
        if (!_byOwnerTags.TryGetValue(OwnerTagsOf(lb), out var sameTags))
        {
            _byOwnerTags[OwnerTagsOf(lb)] = sameTags = [];
        }

        sameTags.Add(lb);
    }

    private void Unindex(SimulatedLoadBalancer lb)
    {
        if (_byOwnerTags.TryGetValue(OwnerTagsOf(lb), out var sameTags) && sameTags.Remove(lb) && sameTags.Count == 0)
        {
            _byOwnerTags.Remove(OwnerTagsOf(lb));
        }
    }

    private static (string Scope, string Service) OwnerTagsOf(SimulatedLoadBalancer lb) =>
        (lb.Tags.GetValueOrDefault(LoadBalancerOwner.ClusterTag, ""), lb.Tags.GetValueOrDefault(LoadBalancerOwner.ServiceTag, ""));

    private SimulatedLoadBalancer GetOwned(LoadBalancerRef loadBalancer)
    {
        var lb = _loadBalancers.TryGetValue(loadBalancer.Id, out var found) ? found : throw new LoadBalancerNotFoundException(loadBalancer.Id);
        CheckOwner(loadBalancer, lb);
        return lb;
    }

    private static void CheckOwner(LoadBalancerRef expected, SimulatedLoadBalancer actual)
    {
        if (!expected.Owner.Owns(actual.Tags))
        {
            throw LoadBalancerNotOwnedException.Carrying(expected, actual.Tags);
        }
    }
}
