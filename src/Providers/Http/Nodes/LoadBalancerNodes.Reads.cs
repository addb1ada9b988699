using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.Http.Nodes;

/// <summary>
/// Reading back over several nodes. A find asks every reachable node; the answer is the copy of a node that is not
/// behind, and any reachable node whose copy differs is brought in line with it first, so a load balancer read back
/// is on every reachable node (and a node tampered with, or back from an outage, is repaired by the read-back).
/// </summary>
public sealed partial class LoadBalancerNodes
{
    public Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken) =>
        UnderGateAsync(owner, async () =>
        {
            var copies = await AskEveryNodeAsync(node => node.CallAsync(api => api.FindLoadBalancerAsync(owner, cancellationToken), cancellationToken));
            var reference = copies.FirstOrDefault(c => c.Answer is { } lb && !_book.IsBehind(lb.Id, c.Node.Name)).Answer
                ?? copies.FirstOrDefault(c => c.Answer is not null).Answer;
            if (reference is null)
            {
                return null;
            }

            foreach (var node in _nodes.Where(n => copies.All(c => c.Node != n)))
            {
                _book.Behind(reference.Ref, node.Name, node.DownReason ?? "did not answer");
            }

            await OnNodesAsync(
                reference.Ref,
                copies.Select(c => c.Node),
                async node =>
                {
                    var copy = copies.Single(c => c.Node == node).Answer;
                    if (!NodeMirror.Same(copy, reference))
                    {
                        _logger.LogWarning("Load balancer node {Node} differs from the others on {Id}; copying it over", node.Name, reference.Id);
                        await NodeMirror.CopyAsync(node, owner, reference, cancellationToken);
                    }
                });
            return reference;
        }, cancellationToken);

    /// <summary>Every reachable node's load balancers of the installation, each once: one page, whatever was asked.</summary>
    public async Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken cancellationToken)
    {
        var lists = await AskEveryNodeAsync(async node =>
        {
            var all = new List<LoadBalancerInfo>();
            string? next = null;
            do
            {
                var page = await node.CallAsync(api => api.ListLoadBalancersAsync(installation, next, cancellationToken), cancellationToken);
                all.AddRange(page.Items);
                next = page.Continue;
            }
            while (next is not null);
            return all;
        });
        return new LoadBalancerPage([.. lists.SelectMany(l => l.Answer).DistinctBy(lb => lb.Id)], null);
    }

    /// <summary>A target's connections on all reachable nodes together: a drain ends when every node's have.</summary>
    public async Task<IReadOnlyDictionary<TargetKey, int>?> CountConnectionsAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken)
    {
        var counts = await AskEveryNodeAsync(node => node.CallAsync(api => ((ILoadBalancerProvider)api).CountConnectionsAsync(loadBalancer, listener, cancellationToken), cancellationToken));
        if (counts.Any(c => c.Answer is null))
        {
            return null;
        }

        return counts.SelectMany(c => c.Answer!).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
    }

    /// <summary>The answers of the nodes that could be reached, in node order; throws when none could.</summary>
    private async Task<IReadOnlyList<(LoadBalancerNode Node, T Answer)>> AskEveryNodeAsync<T>(Func<LoadBalancerNode, Task<T>> ask)
    {
        var answers = await Task.WhenAll(_nodes.Select(async Task<(LoadBalancerNode Node, bool Reached, T Answer)> (node) =>
        {
            try
            {
                return (node, true, await ask(node));
            }
            catch (NodeDownException e)
            {
                LogDown(e);
                return (node, false, default!);
            }
        }));
        return answers.Any(a => a.Reached) ? [.. answers.Where(a => a.Reached).Select(a => (a.Node, a.Answer))] : throw NoNodeAnswers();
    }
}
