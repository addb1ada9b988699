namespace DirectLB.Actors.Domain;

/// <summary>Kubernetes Event reasons, named as the upstream service controller names them where it has one.</summary>
public static class ServiceEventReason
{
    public const string EnsuringLoadBalancer = nameof(EnsuringLoadBalancer);
    public const string EnsuredLoadBalancer = nameof(EnsuredLoadBalancer);
    public const string SyncLoadBalancerFailed = nameof(SyncLoadBalancerFailed);
    public const string DeletedLoadBalancer = nameof(DeletedLoadBalancer);
    public const string InvalidConfiguration = nameof(InvalidConfiguration);
    public const string ConflictingServiceSpec = nameof(ConflictingServiceSpec);
    public const string MemberClusterUnreachable = nameof(MemberClusterUnreachable);
    public const string MemberClusterStale = nameof(MemberClusterStale);
    public const string LoadBalancerDrift = nameof(LoadBalancerDrift);
    public const string IpFamilyFallback = nameof(IpFamilyFallback);
}

/// <summary>A Kubernetes Event about a Service.</summary>
public sealed record ServiceEvent(bool IsWarning, string Reason, string Message);
