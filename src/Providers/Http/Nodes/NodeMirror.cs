using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Nodes;

/// <summary>
/// Makes one node's copy of a load balancer what the reference (the copy on the nodes that stayed in sync) is: the
/// same id and addresses, listeners and targets, with the fewest calls. Also how a node that was away catches up.
/// </summary>
internal static class NodeMirror
{
    /// <summary>Whether two nodes serve the same thing (health aside, which is each node's own view).</summary>
    public static bool Same(LoadBalancerInfo? a, LoadBalancerInfo? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Id == b.Id && a.Addresses.SequenceEqual(b.Addresses) && a.Listeners.Count == b.Listeners.Count
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
    /// The node's load balancer for <paramref name="owner"/> at the reference's addresses, created when missing. One the
    /// node has at other addresses is given the reference's by a node that declares address families (listeners and
    /// targets stay), else created again (a VIP must be the same on every node).
    /// </summary>
    public static async Task<LoadBalancerInfo> EnsureAtAsync(
        LoadBalancerNode node, LoadBalancerOwner owner, LoadBalancerInfo reference, LoadBalancerInfo? current, CancellationToken cancellationToken)
    {
        current ??= await node.CallAsync(
            api => Families(api)
                ? api.EnsureLoadBalancerAsync(owner, reference.Name, At(reference, reference.Address), cancellationToken)
                : api.EnsureLoadBalancerAsync(owner, reference.Name, reference.Address, cancellationToken),
            cancellationToken);
        if (!current.Addresses.SequenceEqual(reference.Addresses))
        {
            var misplaced = current;
            current = await node.CallAsync(api => Families(api) ? PinAsync(api, misplaced, reference, cancellationToken) : RecreateAsync(api, owner, misplaced, reference, cancellationToken), cancellationToken);
        }

        if (!current.Addresses.SequenceEqual(reference.Addresses) || current.Id != reference.Id)
        {
            throw new ProviderException(
                $"load balancer node {node.Name} has {owner}'s load balancer as {current.Id} at {string.Join(", ", current.Addresses)}, the other nodes as {reference.Id} at " +
                $"{string.Join(", ", reference.Addresses)}: every node must give a Service the same id and addresses (run the same lb-agent with the same VIP pools everywhere)",
                retryable: false);
        }

        return current;
    }

    private static bool Families(HttpProvider api) => api.Capabilities.AddressFamilies.Count > 0;

    /// <summary>The reference's families, with <paramref name="address"/> (one of its addresses) chosen.</summary>
    private static AddressRequest At(LoadBalancerInfo reference, string address) => AddressRequest.Of(reference.Addresses) with { Address = address };

    /// <summary>The reference's families and primary address, then its secondary address when the node chose another.</summary>
    private static async Task<LoadBalancerInfo> PinAsync(HttpProvider api, LoadBalancerInfo current, LoadBalancerInfo reference, CancellationToken cancellationToken)
    {
        var pinned = await api.ReaddressLoadBalancerAsync(current.Ref, At(reference, reference.Address), cancellationToken);
        return reference.SecondaryAddress is { } secondary && pinned.SecondaryAddress != secondary
            ? await api.ReaddressLoadBalancerAsync(current.Ref, At(reference, secondary), cancellationToken)
            : pinned;
    }

    private static async Task<LoadBalancerInfo> RecreateAsync(HttpProvider api, LoadBalancerOwner owner, LoadBalancerInfo misplaced, LoadBalancerInfo reference, CancellationToken cancellationToken)
    {
        await api.EnsureLoadBalancerDeletedAsync(misplaced.Ref, cancellationToken);
        return await api.EnsureLoadBalancerAsync(owner, reference.Name, reference.Address, cancellationToken);
    }
}
