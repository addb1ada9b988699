namespace DirectLB.Providers.Model;

/// <summary>
/// Who owns a load balancer: the member cluster scope (a cluster id, or <see cref="AllClusters"/> for one load
/// balancer over every member cluster), the Service's namespace/name, its UID, and the DirectLB installation.
/// Carried as tags on the provider's resources so a retry or a new owner finds what exists. Lookup matches on scope,
/// namespace/name and installation; the UID is recorded for humans and audits, because the same Service has a
/// different UID in every member cluster. <see cref="Installation"/> is null only in journals written before
/// installations were tagged.
/// </summary>
public sealed record LoadBalancerOwner(string ClusterScope, string Namespace, string Name, string ServiceUid, Installation? Installation = null)
{
    public const string AllClusters = "*";

    public const string ClusterTag = "directlb.io/cluster";
    public const string ServiceTag = "directlb.io/service";
    public const string ServiceUidTag = "directlb.io/service-uid";

    /// <summary>The value of <see cref="ServiceTag"/>: namespace/name.</summary>
    public string ServiceTagValue => $"{Namespace}/{Name}";

    /// <summary>The tags that decide ownership: every owner tag but the UID.</summary>
    public IReadOnlyDictionary<string, string> IdentityTags()
    {
        var tags = new Dictionary<string, string>(Installation?.ToTags() ?? new Dictionary<string, string>())
        {
            [ClusterTag] = ClusterScope,
            [ServiceTag] = ServiceTagValue,
        };
        return tags;
    }

    public IReadOnlyDictionary<string, string> ToTags() =>
        new Dictionary<string, string>(IdentityTags()) { [ServiceUidTag] = ServiceUid };

    /// <summary>
    /// The owner these tags name, or null when the scope or namespace/name tag is missing or malformed; the
    /// inverse of <see cref="ToTags"/> for a server that receives an owner as tags. A missing UID tag reads as "".
    /// </summary>
    public static LoadBalancerOwner? FromTags(IReadOnlyDictionary<string, string> tags)
    {
        if (!tags.TryGetValue(ClusterTag, out var cluster) || cluster.Length == 0
            || !tags.TryGetValue(ServiceTag, out var service))
        {
            return null;
        }

        var slash = service.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == service.Length - 1)
        {
            return null;
        }

        return new LoadBalancerOwner(
            cluster, service[..slash], service[(slash + 1)..], tags.GetValueOrDefault(ServiceUidTag, ""), Installation.FromTags(tags));
    }

    /// <summary>
    /// The tags name this Service in this scope, and no other installation (see <see cref="Installation.Admits"/>).
    /// Allocates nothing: a provider that scans many load balancers for one owner calls it for each.
    /// </summary>
    public bool Owns(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(ClusterTag, out var cluster) && cluster == ClusterScope
        && tags.TryGetValue(ServiceTag, out var service) && NamesThisService(service)
        && (Installation is null || Installation.Admits(tags));

    private bool NamesThisService(string service) =>
        service.Length == Namespace.Length + 1 + Name.Length
        && service.StartsWith(Namespace, StringComparison.Ordinal)
        && service[Namespace.Length] == '/'
        && service.EndsWith(Name, StringComparison.Ordinal);

    public override string ToString() => $"{Namespace}/{Name} (cluster {ClusterScope})";
}
