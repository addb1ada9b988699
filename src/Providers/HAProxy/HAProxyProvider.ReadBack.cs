using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Reading back: what the running HAProxy actually serves (its servers from the runtime API, with their health),
/// not what the configuration file says, so a server removed, re-weighted or drained behind DirectLB's back shows
/// as drift. And the ownership check every verb by id makes first.
/// </summary>
public sealed partial class HAProxyProvider
{
    private const int ListPageSize = 100;

    public Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var lb = _model.FindOwned(owner);
            return lb is null ? null : Running(lb, await _servers.ReadAsync(cancellationToken));
        }, cancellationToken);

    public Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var runtime = await _servers.ReadAsync(cancellationToken);
            var page = _model.LoadBalancers.Values
                .Where(lb => installation.Tagged(lb.Tags) && (continueToken is null || string.CompareOrdinal(lb.Id, continueToken) > 0))
                .Take(ListPageSize + 1)
                .ToList();
            var items = page.Take(ListPageSize).Select(lb => Running(lb, runtime)).ToList();
            return new LoadBalancerPage(items, page.Count > ListPageSize ? items[^1].Id : null);
        }, cancellationToken);

    /// <summary>
    /// The load balancer with each listener's targets as the running servers of its backend: a server in
    /// maintenance is out of rotation and reads as absent; one the configuration does not know (added by hand)
    /// reads as a target of no member cluster.
    /// </summary>
    private static LoadBalancerInfo Running(LoadBalancerInfo lb, ILookup<string, RuntimeServer> runtime) => lb with
    {
        Listeners =
        [
            .. lb.Listeners.Select(listener =>
            {
                var configured = listener.Targets.ToDictionary(t => ServerName.For(t.Key), StringComparer.Ordinal);
                var running = runtime[HAProxyModel.BackendName(lb.Id, listener.Spec.Key.Port)]
                    .Where(s => !s.InMaintenance)
                    .Select(s => (Server: s, Known: configured.GetValueOrDefault(s.Name)))
                    .Select(r => (r.Server, Target: new TargetSpec(
                        r.Known?.Key ?? new TargetKey(r.Server.Address, r.Server.Port),
                        r.Server.UserWeight,
                        r.Server.Draining ? TargetState.Draining : TargetState.Serving,
                        r.Known?.ClusterId ?? "")))
                    .OrderBy(r => r.Target.Key)
                    .ToList();
                return listener with
                {
                    Targets = [.. running.Select(r => r.Target)],
                    Health = running.ToDictionary(r => r.Target.Key, r => r.Server.Health),
                };
            }),
        ],
    };

    private LoadBalancerInfo GetOwned(LoadBalancerRef loadBalancer)
    {
        var lb = _model.Get(loadBalancer.Id);
        CheckOwner(loadBalancer, lb);
        return lb;
    }

    private static void CheckOwner(LoadBalancerRef expected, LoadBalancerInfo actual)
    {
        if (!expected.Owner.Owns(actual.Tags))
        {
            throw LoadBalancerNotOwnedException.Carrying(expected, actual.Tags);
        }
    }
}
