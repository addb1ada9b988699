namespace DirectLB.Providers.Model;

/// <summary>A load balancer as the provider reports it.</summary>
public sealed record LoadBalancerInfo(
    string Id,
    string Name,
    string Address,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<ListenerInfo> Listeners);

/// <summary>A listener as the provider reports it, with its registered targets.</summary>
public sealed record ListenerInfo(ListenerSpec Spec, IReadOnlyList<TargetSpec> Targets);
