using System.Collections.Concurrent;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Nodes;

/// <summary>
/// Each node's state for each load balancer: in sync, behind (what a node that returns must catch up on) or failed.
/// In memory: a replica that takes a Service over learns it again from its first read-back.
/// </summary>
internal sealed class NodeBook(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Entry>> _byLoadBalancer = new(StringComparer.Ordinal);

    public void InSync(LoadBalancerRef loadBalancer, string node) => Set(loadBalancer, node, NodeSync.InSync, null);

    public void Behind(LoadBalancerRef loadBalancer, string node, string reason) => Set(loadBalancer, node, NodeSync.Behind, reason);

    public void Failed(LoadBalancerRef loadBalancer, string node, string detail) => Set(loadBalancer, node, NodeSync.Failed, detail);

    /// <summary>Deleted from every node: nothing left to show or to catch up.</summary>
    public void Forget(string loadBalancerId) => _byLoadBalancer.TryRemove(loadBalancerId, out _);

    public bool IsBehind(string loadBalancerId, string node) =>
        _byLoadBalancer.TryGetValue(loadBalancerId, out var nodes) && nodes.TryGetValue(node, out var entry) && entry.Sync.State != NodeSync.InSync;

    /// <summary>The load balancers a node must catch up on: behind, or failed the last time.</summary>
    public IReadOnlyList<LoadBalancerRef> OwedTo(string node) =>
        [.. _byLoadBalancer.Values.Select(nodes => nodes.GetValueOrDefault(node)).OfType<Entry>().Where(e => e.Sync.State != NodeSync.InSync).Select(e => e.Ref)];

    public IReadOnlyList<NodeSync> Of(string loadBalancerId, IEnumerable<LoadBalancerNode> nodes)
    {
        var known = _byLoadBalancer.GetValueOrDefault(loadBalancerId);
        return
        [
            .. nodes.Select(node => known?.GetValueOrDefault(node.Name)?.Sync switch
            {
                { State: NodeSync.InSync } sync when !node.IsUp => sync with { State = NodeSync.Unreachable, Detail = node.DownReason },
                { } sync => sync,
                null => new NodeSync(node.Name, node.IsUp ? NodeSync.Unknown : NodeSync.Unreachable, node.DownReason, clock.GetUtcNow()),
            }),
        ];
    }

    private void Set(LoadBalancerRef loadBalancer, string node, string state, string? detail)
    {
        var nodes = _byLoadBalancer.GetOrAdd(loadBalancer.Id, _ => new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));
        nodes.AddOrUpdate(
            node,
            _ => new Entry(loadBalancer, new NodeSync(node, state, detail, clock.GetUtcNow())),
            (_, old) => new Entry(loadBalancer, old.Sync.State == state ? old.Sync with { Detail = detail } : new NodeSync(node, state, detail, clock.GetUtcNow())));
    }

    private sealed record Entry(LoadBalancerRef Ref, NodeSync Sync);
}
