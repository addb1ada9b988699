using System.Collections.Immutable;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// What DirectLB has configured in HAProxy: its load balancers with their listeners and targets. Immutable,
/// so a change is computed, rendered and validated first, and only becomes current once HAProxy took it.
/// Listeners are keyed by port because HAProxy only carries TCP here.
/// </summary>
internal sealed record HAProxyModel(ImmutableSortedDictionary<string, LoadBalancerInfo> LoadBalancers)
{
    public static HAProxyModel Empty { get; } = new(ImmutableSortedDictionary<string, LoadBalancerInfo>.Empty.WithComparers(StringComparer.Ordinal));

    public static string FrontendName(string loadBalancerId, int port) => $"fe-{loadBalancerId}-{port}";

    public static string BackendName(string loadBalancerId, int port) => $"be-{loadBalancerId}-{port}";

    public LoadBalancerInfo? FindOwned(LoadBalancerOwner owner) => LoadBalancers.Values.FirstOrDefault(lb => owner.Owns(lb.Tags));

    public LoadBalancerInfo Get(string loadBalancerId) =>
        LoadBalancers.TryGetValue(loadBalancerId, out var lb) ? lb : throw new LoadBalancerNotFoundException(loadBalancerId);

    /// <summary>Every backend DirectLB manages, with the listener it carries.</summary>
    public IEnumerable<(string Backend, ListenerInfo Listener)> Backends() =>
        LoadBalancers.Values.SelectMany(lb => lb.Listeners.Select(l => (BackendName(lb.Id, l.Spec.Key.Port), l)));

    public HAProxyModel With(LoadBalancerInfo loadBalancer) => new(LoadBalancers.SetItem(loadBalancer.Id, Normalized(loadBalancer)));

    public HAProxyModel Without(string loadBalancerId) => new(LoadBalancers.Remove(loadBalancerId));

    /// <summary>Creates or updates the listener, keeping the targets it already has.</summary>
    public HAProxyModel WithListener(string loadBalancerId, ListenerSpec spec)
    {
        var lb = Get(loadBalancerId);
        var existing = lb.Listeners.FirstOrDefault(l => l.Spec.Key == spec.Key);
        var others = lb.Listeners.Where(l => l.Spec.Key != spec.Key);
        return With(lb with { Listeners = [.. others, new ListenerInfo(spec, existing?.Targets ?? [])] });
    }

    public HAProxyModel WithoutListener(string loadBalancerId, ListenerKey key)
    {
        var lb = Get(loadBalancerId);
        return With(lb with { Listeners = [.. lb.Listeners.Where(l => l.Spec.Key != key)] });
    }

    /// <summary>Applies removals, then upserts; an upsert replaces the whole target spec.</summary>
    public HAProxyModel WithTargets(string loadBalancerId, ListenerKey key, IReadOnlyList<TargetSpec> upserts, IReadOnlyList<TargetKey> removals)
    {
        var lb = Get(loadBalancerId);
        var listener = lb.Listeners.FirstOrDefault(l => l.Spec.Key == key)
            ?? throw new ProviderException($"listener {key} does not exist on {loadBalancerId}", retryable: false);
        var targets = listener.Targets.ToDictionary(t => t.Key);
        foreach (var removal in removals)
        {
            targets.Remove(removal);
        }

        foreach (var upsert in upserts)
        {
            targets[upsert.Key] = upsert;
        }

        var changed = listener with { Targets = [.. targets.Values] };
        return With(lb with { Listeners = [.. lb.Listeners.Where(l => l.Spec.Key != key), changed] });
    }

    /// <summary>Listeners by port and targets by key, so what is rendered and reported does not depend on call order.</summary>
    private static LoadBalancerInfo Normalized(LoadBalancerInfo lb) => lb with
    {
        Tags = lb.Tags.ToImmutableSortedDictionary(StringComparer.Ordinal),
        Listeners = [.. lb.Listeners
            .OrderBy(l => l.Spec.Key.Port)
            .Select(l => l with { Targets = [.. l.Targets.OrderBy(t => t.Key)] })],
    };
}
