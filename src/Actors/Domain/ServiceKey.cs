namespace DirectLB.Actors.Domain;

/// <summary>
/// Which load balancer an entity owns, and so the entity id. By default a Service's namespace/name across all
/// member clusters (one load balancer for the union of their pods); with <see cref="Cluster"/> set, the Service
/// in that one member cluster only (annotation <c>directlb.io/scope: cluster</c>), written "namespace/name@cluster".
/// </summary>
public readonly record struct ServiceKey(string Namespace, string Name, string? Cluster = null)
{
    public static ServiceKey Parse(string value)
    {
        var at = value.IndexOf('@');
        var cluster = at >= 0 ? value[(at + 1)..] : null;
        var name = at >= 0 ? value[..at] : value;
        var slash = name.IndexOf('/');
        if (slash <= 0 || slash == name.Length - 1 || name.IndexOf('/', slash + 1) >= 0 || cluster is "")
        {
            throw new FormatException($"'{value}' is not a namespace/name[@cluster] service key");
        }

        return new ServiceKey(name[..slash], name[(slash + 1)..], cluster);
    }

    /// <summary>The same Service without a cluster scope: how the watcher indexes it.</summary>
    public ServiceKey Unscoped => this with { Cluster = null };

    public override string ToString() => Cluster is null ? $"{Namespace}/{Name}" : $"{Namespace}/{Name}@{Cluster}";
}
