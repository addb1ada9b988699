namespace DirectLB.Actors.Domain;

/// <summary>
/// How a Service's load balancer spans member clusters: annotation <c>directlb.io/scope</c>.
/// <c>global</c> (the default): one load balancer for the Service's pods in every member cluster.
/// <c>cluster</c>: one load balancer per member cluster.
/// </summary>
public static class ServiceScope
{
    public const string Annotation = "directlb.io/scope";
    public const string Global = "global";
    public const string PerCluster = "cluster";

    /// <summary>The entity a member cluster's Service belongs to. An invalid value routes globally; the planner reports it.</summary>
    public static ServiceKey RouteOf(ServiceKey service, string clusterId, ServiceSnapshot snapshot) =>
        snapshot.Annotations.TryGetValue(Annotation, out var scope) && scope == PerCluster
            ? service with { Cluster = clusterId }
            : service.Unscoped;
}
