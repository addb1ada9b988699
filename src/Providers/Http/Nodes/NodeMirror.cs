using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Nodes;

/// <summary>
/// Makes one node's copy of a load balancer what the reference (the copy on the nodes that stayed in sync) is: the
/// same id and address, listeners and targets, with the fewest calls. Also how a node that was away catches up.
/// </summary>
internal static class NodeMirror
{
    /// <summary>Whether two nodes serve the same thing (health aside, which is each node's own view).</summary>
    public static bool Same(LoadBalancerInfo? a, LoadBalancerInfo? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Id == b.Id && a.Address == b.Address && a.Listeners.Count == b.Listeners.Count
              && a.Listeners.All(listener => b.Listeners.FirstOrDefault(other => other.Spec == listener.Spec) is { } match
                  && listener.Targets.OrderBy(t => t.Key).SequenceEqual(match.Targets.OrderBy(t => t.Key)));

    public static async Task CopyAsync(LoadBalancerNode node, LoadBalancerOwner owner, LoadBalancerInfo? reference, CancellationToken cancellationToken)
    {
        var current = await node.CallAsync(api => api.FindLoadBalancerAsync(owner, cancellationToken), cancellationToken);
        if (reference is null)
        {
            if (current is not null)
            {
                await node.CallAsync(api => api.EnsureLoadBalancerDeletedAsync(current.Ref, cancellationToken), cancellationToken);
            }

            return;
        }

        current = await EnsureAtAsync(node, owner, reference, current, cancellationToken);
        var loadBalancer = current.Ref;
        foreach (var extra in current.Listeners.Where(l => reference.Listeners.All(r => r.Spec.Key != l.Spec.Key)))
        {
            await node.CallAsync(api => api.EnsureListenerDeletedAsync(loadBalancer, extra.Spec.Key, cancellationToken), cancellationToken);
        }

        foreach (var wanted in reference.Listeners)
        {
            var have = current.Listeners.FirstOrDefault(l => l.Spec.Key == wanted.Spec.Key);
            if (have?.Spec != wanted.Spec)
            {
                await node.CallAsync(api => api.EnsureListenerAsync(loadBalancer, wanted.Spec, cancellationToken), cancellationToken);
            }

            var upserts = wanted.Targets.Where(t => have?.Targets.Contains(t) != true).ToList();
            var removals = (have?.Targets ?? []).Select(t => t.Key).Except(wanted.Targets.Select(t => t.Key)).ToList();
            if (upserts.Count + removals.Count > 0)
            {
                await node.CallAsync(api => api.ChangeTargetsAsync(loadBalancer, wanted.Spec.Key, upserts, removals, cancellationToken), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The node's load balancer for <paramref name="owner"/> at the reference's address, created when missing and
    /// created again when the node has it at another address (a VIP must be the same on every node).
    /// </summary>
    public static async Task<LoadBalancerInfo> EnsureAtAsync(
        LoadBalancerNode node, LoadBalancerOwner owner, LoadBalancerInfo reference, LoadBalancerInfo? current, CancellationToken cancellationToken)
    {
        current ??= await node.CallAsync(api => api.EnsureLoadBalancerAsync(owner, reference.Name, reference.Address, cancellationToken), cancellationToken);
        if (current.Address != reference.Address)
        {
            var misplaced = current;
            await node.CallAsync(api => api.EnsureLoadBalancerDeletedAsync(misplaced.Ref, cancellationToken), cancellationToken);
            current = await node.CallAsync(api => api.EnsureLoadBalancerAsync(owner, reference.Name, reference.Address, cancellationToken), cancellationToken);
        }

        if (current.Address != reference.Address || current.Id != reference.Id)
        {
            throw new ProviderException(
                $"load balancer node {node.Name} has {owner}'s load balancer as {current.Id} at {current.Address}, the other nodes as {reference.Id} at " +
                $"{reference.Address}: every node must give a Service the same id and address (run the same lb-agent with the same VIP pool everywhere)",
                retryable: false);
        }

        return current;
    }
}
