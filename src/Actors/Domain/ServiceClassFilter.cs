namespace DirectLB.Actors.Domain;

/// <summary>Which Services are DirectLB's to serve, as the upstream controller's wantsLoadBalancer does.</summary>
public sealed record ServiceClassFilter(string LoadBalancerClass, bool ClaimServicesWithoutClass)
{
    public const string DefaultClass = "directlb.io/direct";
    public const string Finalizer = "directlb.io/cleanup";

    public bool WantsLoadBalancer(ServiceSnapshot service) =>
        service.Type == "LoadBalancer"
        && (service.LoadBalancerClass == LoadBalancerClass
            || (service.LoadBalancerClass is null && ClaimServicesWithoutClass));

    /// <summary>True when DirectLB must keep (or start) caring about the Service: it qualifies, or it carries our finalizer.</summary>
    public bool IsRelevant(ServiceSnapshot service) => WantsLoadBalancer(service) || service.HasFinalizer;
}
