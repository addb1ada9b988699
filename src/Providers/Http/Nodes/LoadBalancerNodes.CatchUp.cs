using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.Http.Nodes;

/// <summary>
/// A node that was down catches up when it answers again: every load balancer it is behind on (changed, created or
/// deleted meanwhile) is copied over from a node that stayed in sync. What it missed while this replica did not own
/// the Service is found by the Service's next read-back instead.
/// </summary>
public sealed partial class LoadBalancerNodes
{
    private async Task ProbeAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProbeInterval, stopping);
                foreach (var node in _nodes)
                {
                    await ProbeAsync(node, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task ProbeAsync(LoadBalancerNode node, CancellationToken stopping)
    {
        try
        {
            if (!node.IsUp)
            {
                if (await node.ProbeAsync(stopping) is null)
                {
                    return;
                }

                node.MarkUp();
                _logger.LogInformation("Load balancer node {Node} answers again; it catches up on {Count} load balancers", node.Name, _book.OwedTo(node.Name).Count);
            }

            foreach (var owed in _book.OwedTo(node.Name))
            {
                await UnderGateAsync(owed.Owner, async () =>
                {
                    // The reference comes from a node in sync on it; a load balancer no such node has was deleted meanwhile.
                    var source = _nodes.FirstOrDefault(n => n != node && n.IsUp && !_book.IsBehind(owed.Id, n.Name));
                    if (source is null)
                    {
                        return false;
                    }

                    var reference = await source.CallAsync(api => api.FindLoadBalancerAsync(owed.Owner, stopping), stopping);
                    await NodeMirror.CopyAsync(node, owed.Owner, reference, stopping);
                    _book.InSync(owed, node.Name);
                    if (reference is null && _nodes.All(n => !_book.IsBehind(owed.Id, n.Name)))
                    {
                        _book.Forget(owed.Id);
                    }

                    return true;
                }, stopping);
            }
        }
        catch (ProviderException e)
        {
            _logger.LogWarning("Load balancer node {Node} could not catch up yet: {Reason}", node.Name, e.Message);
        }
    }
}
