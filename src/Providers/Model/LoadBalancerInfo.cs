namespace DirectLB.Providers.Model;

/// <summary>A load balancer as the provider reports it.</summary>
public sealed record LoadBalancerInfo(
    string Id,
    string Name,
    string Address,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<ListenerInfo> Listeners)
{
    /// <summary>This load balancer named by id with the owner its tags name, for the verbs that act by id.</summary>
    public LoadBalancerRef Ref =>
        new(Id, LoadBalancerOwner.FromTags(Tags) ?? throw new InvalidOperationException($"load balancer {Id} carries no owner tags"));

    /// <summary>The load balancer without its targets' health: what a journal keeps (health is a moment's verdict, not state).</summary>
    public LoadBalancerInfo WithoutHealth() =>
        Listeners.All(l => l.Health is null) ? this : this with { Listeners = [.. Listeners.Select(l => l with { Health = null })] };
}

/// <summary>
/// A listener as the provider reports it, with its registered targets and, where the provider can tell, each
/// target's health. <see cref="Health"/> null means the provider has no health view.
/// </summary>
public sealed record ListenerInfo(ListenerSpec Spec, IReadOnlyList<TargetSpec> Targets, IReadOnlyDictionary<TargetKey, TargetHealth>? Health = null)
{
    public TargetHealth HealthOf(TargetKey target) => Health?.GetValueOrDefault(target, TargetHealth.Unknown) ?? TargetHealth.Unknown;
}

/// <summary>One page of the load balancers an installation owns; <see cref="Continue"/> asks for the next, null on the last.</summary>
public sealed record LoadBalancerPage(IReadOnlyList<LoadBalancerInfo> Items, string? Continue);
