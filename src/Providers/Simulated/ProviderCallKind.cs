namespace DirectLB.Providers.Simulated;

/// <summary>The kinds of call the simulated API counts, one per provider verb.</summary>
public enum ProviderCallKind
{
    FindLoadBalancer,
    ListLoadBalancers,
    EnsureLoadBalancer,
    EnsureListener,
    DeleteListener,
    ChangeTargets,
    DeleteLoadBalancer,
}
