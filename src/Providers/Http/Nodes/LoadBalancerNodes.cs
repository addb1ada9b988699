using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.Http.Nodes;

/// <summary>
/// The HTTP provider over several load balancer nodes (lb-agents, each its own HAProxy): every load balancer is
/// applied to every node, so each VIP is served by all of them (ECMP, anycast or a VRRP pair in front). Each verb goes
/// to all nodes at once and is idempotent; a call is retried on its node; a node that cannot be reached is skipped
/// and marked behind for that load balancer, and catches up from the nodes that stayed in sync when it answers
/// again (probed every <see cref="ProbeInterval"/>). A verb succeeds when every reachable node has done it. The first
/// node to answer a create (or a readdress) chooses the addresses, the others are given the same ones.
/// </summary>
public sealed partial class LoadBalancerNodes : ILoadBalancerProvider, IChosenAddressProvider, IAddressFamiliesProvider, ILoadBalancerNodes, IAsyncDisposable
{
    private readonly IReadOnlyList<LoadBalancerNode> _nodes;
    private readonly NodeBook _book;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _probing = Task.CompletedTask;

    private LoadBalancerNodes(IReadOnlyList<LoadBalancerNode> nodes, ProviderCapabilities capabilities, TimeProvider clock, ILogger logger)
    {
        _nodes = nodes;
        _book = new NodeBook(clock);
        _logger = logger;
        Capabilities = capabilities;
    }

    public static TimeSpan ProbeInterval { get; } = TimeSpan.FromSeconds(2);

    public string Name => "http";

    /// <summary>What every node that answered at start can do (the least of their limits).</summary>
    public ProviderCapabilities Capabilities { get; }

    /// <summary>Connects to every node; those that do not answer yet are down and probed. At least one must answer.</summary>
    /// <exception cref="ProviderException">No node answers, or one refuses (a wrong token).</exception>
    public static async Task<LoadBalancerNodes> CreateAsync(
        IReadOnlyList<HttpProviderOptions> nodes, ILogger logger, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var connected = nodes.Select(options => new LoadBalancerNode(options)).ToList();
        try
        {
            var capabilities = await Task.WhenAll(connected.Select(node => node.ProbeAsync(cancellationToken)));
            var answered = capabilities.OfType<ProviderCapabilities>().ToList();
            if (answered.Count == 0)
            {
                throw new ProviderException(
                    "no load balancer node answers: " + string.Join("; ", connected.Select(n => $"{n.Name}: {n.DownReason}")), retryable: true);
            }

            foreach (var (node, answer) in connected.Zip(capabilities))
            {
                if (answer is null)
                {
                    logger.LogWarning("Load balancer node {Node} does not answer ({Reason}); it gets every load balancer when it does", node.Name, node.DownReason);
                }
                else
                {
                    node.MarkUp();
                }
            }

            var provider = new LoadBalancerNodes(connected, Least(answered), clock ?? TimeProvider.System, logger);
            provider._probing = provider.ProbeAsync(provider._stopping.Token);
            return provider;
        }
        catch
        {
            connected.ForEach(node => node.Dispose());
            throw;
        }
    }

    public IReadOnlyList<NodeSync> NodesOf(string loadBalancerId) => _book.Of(loadBalancerId, _nodes);

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken) =>
        OnFirstThenMirrorAsync(owner, api => api.EnsureLoadBalancerAsync(owner, name, cancellationToken), Created(owner, cancellationToken), cancellationToken);

    /// <summary>The first node to answer is asked for <paramref name="address"/>, the others for the same.</summary>
    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken) =>
        OnFirstThenMirrorAsync(owner, api => api.EnsureLoadBalancerAsync(owner, name, address, cancellationToken), Created(owner, cancellationToken), cancellationToken);

    /// <summary>The first node to answer gives addresses of the families, the others are given the same addresses.</summary>
    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken) =>
        OnFirstThenMirrorAsync(owner, api => api.EnsureLoadBalancerAsync(owner, name, addresses, cancellationToken), Created(owner, cancellationToken), cancellationToken);

    /// <summary>
    /// The first node to answer gives the addresses, every other node is given the same ones, keeping its listeners and
    /// targets; one that cannot be reached is given them when it catches up.
    /// </summary>
    public Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken cancellationToken) =>
        OnFirstThenMirrorAsync(
            loadBalancer.Owner,
            api => api.ReaddressLoadBalancerAsync(loadBalancer, addresses, cancellationToken),
            (node, reference) => NodeMirror.CopyAsync(node, loadBalancer.Owner, reference, cancellationToken),
            cancellationToken);

    /// <summary>Every node moves; one that cannot be reached moves when it catches up (its copy is placed at the new address).</summary>
    public async Task<LoadBalancerInfo> MoveLoadBalancerAsync(LoadBalancerRef loadBalancer, string address, CancellationToken cancellationToken)
    {
        LoadBalancerInfo? moved = null;
        await OnEveryNodeAsync(loadBalancer, async api => moved = await api.MoveLoadBalancerAsync(loadBalancer, address, cancellationToken), cancellationToken);
        return moved ?? throw NoNodeAnswers();
    }

    /// <summary>A load balancer just created on the first node is created on another at the same id and addresses.</summary>
    private static Func<LoadBalancerNode, LoadBalancerInfo, Task> Created(LoadBalancerOwner owner, CancellationToken cancellationToken) =>
        (node, reference) => NodeMirror.EnsureAtAsync(node, owner, reference, current: null, cancellationToken);

    /// <summary><paramref name="call"/> on the first node that answers; then <paramref name="mirror"/> makes every other node's copy what it answered.</summary>
    private Task<LoadBalancerInfo> OnFirstThenMirrorAsync(
        LoadBalancerOwner owner,
        Func<HttpProvider, Task<LoadBalancerInfo>> call,
        Func<LoadBalancerNode, LoadBalancerInfo, Task> mirror,
        CancellationToken cancellationToken) =>
        UnderGateAsync(owner, async () =>
        {
            foreach (var first in _nodes.Where(n => n.IsUp))
            {
                LoadBalancerInfo reference;
                try
                {
                    reference = await first.CallAsync(call, cancellationToken);
                }
                catch (NodeDownException e)
                {
                    LogDown(e);
                    continue;
                }

                _book.InSync(reference.Ref, first.Name);
                await OnNodesAsync(reference.Ref, _nodes.Where(n => n != first), node => mirror(node, reference));
                return reference;
            }

            throw NoNodeAnswers();
        }, cancellationToken);

    public Task EnsureListenerAsync(LoadBalancerRef loadBalancer, ListenerSpec listener, CancellationToken cancellationToken) =>
        OnEveryNodeAsync(loadBalancer, api => api.EnsureListenerAsync(loadBalancer, listener, cancellationToken), cancellationToken);

    public Task EnsureListenerDeletedAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken) =>
        OnEveryNodeAsync(loadBalancer, api => api.EnsureListenerDeletedAsync(loadBalancer, listener, cancellationToken), cancellationToken);

    public Task ChangeTargetsAsync(
        LoadBalancerRef loadBalancer,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken) =>
        OnEveryNodeAsync(loadBalancer, api => api.ChangeTargetsAsync(loadBalancer, listener, upserts, removals, cancellationToken), cancellationToken);

    public async Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef loadBalancer, CancellationToken cancellationToken)
    {
        await OnEveryNodeAsync(loadBalancer, api => api.EnsureLoadBalancerDeletedAsync(loadBalancer, cancellationToken), cancellationToken);
        if (_nodes.All(node => !_book.IsBehind(loadBalancer.Id, node.Name)))
        {
            _book.Forget(loadBalancer.Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _probing;
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        _stopping.Dispose();
    }

    private static ProviderCapabilities Least(IReadOnlyList<ProviderCapabilities> all) => new(
        all.All(c => c.SupportsWeights),
        all.All(c => c.SupportsDrain),
        all.Min(c => c.MaxTargetsPerLoadBalancer),
        all.Skip(1).Aggregate(all[0].Protocols.ToHashSet(), (common, c) => [.. common.Intersect(c.Protocols)]))
    {
        SupportsSourceRanges = all.All(c => c.SupportsSourceRanges),
        SupportsSessionAffinity = all.All(c => c.SupportsSessionAffinity),
        SupportsRequestedAddress = all.All(c => c.SupportsRequestedAddress),
        AddressFamilies = all.Skip(1).Aggregate(all[0].AddressFamilies.ToHashSet(), (common, c) => [.. common.Intersect(c.AddressFamilies)]),
    };

    private Task OnEveryNodeAsync(LoadBalancerRef loadBalancer, Func<HttpProvider, Task> call, CancellationToken cancellationToken) =>
        UnderGateAsync(loadBalancer.Owner, async () =>
        {
            await OnNodesAsync(loadBalancer, _nodes, node => node.CallAsync(call, cancellationToken));
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="act"/> on each node at once and books each outcome. Throws the first error a node
    /// answered with; or, when no node could be reached at all, that none answers.
    /// </summary>
    private async Task OnNodesAsync(LoadBalancerRef loadBalancer, IEnumerable<LoadBalancerNode> nodes, Func<LoadBalancerNode, Task> act)
    {
        var outcomes = await Task.WhenAll(nodes.Select(async node =>
        {
            try
            {
                await act(node);
                _book.InSync(loadBalancer, node.Name);
                return (Node: node, Error: (Exception?)null);
            }
            catch (NodeDownException e)
            {
                LogDown(e);
                _book.Behind(loadBalancer, node.Name, e.Message);
                return (node, e);
            }
            catch (ProviderException e)
            {
                _book.Failed(loadBalancer, node.Name, e.Message);
                return (node, e);
            }
        }));

        if (outcomes.FirstOrDefault(o => o.Error is not null and not NodeDownException).Error is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        if (outcomes.Length > 0 && outcomes.All(o => o.Error is NodeDownException) && !_nodes.Any(n => n.IsUp))
        {
            throw NoNodeAnswers();
        }
    }

    private async Task<T> UnderGateAsync<T>(LoadBalancerOwner owner, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        // One call at a time per Service across all nodes, so a catch-up never copies a state a verb is changing.
        var gate = _gates.GetOrAdd($"{owner.ClusterScope}\n{owner.Namespace}/{owner.Name}", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await action();
        }
        finally
        {
            gate.Release();
        }
    }

    private ProviderException NoNodeAnswers() =>
        new("no load balancer node answers: " + string.Join("; ", _nodes.Select(n => $"{n.Name}: {n.DownReason}")), retryable: true);

    private void LogDown(NodeDownException e)
    {
        if (e.JustWentDown)
        {
            _logger.LogWarning("Load balancer node {Node} does not answer; its load balancers catch up when it does: {Reason}", e.Node, e.Message);
        }
    }
}
