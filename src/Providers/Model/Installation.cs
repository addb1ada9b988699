namespace DirectLB.Providers.Model;

/// <summary>
/// The DirectLB installation that owns a load balancer: its load balancer class and an installation id, carried as
/// tags on every load balancer it creates. It lets one installation list all of its own load balancers, and only
/// those, to collect the ones whose Service is gone; two installations (another class, another id) sharing a cloud
/// account never touch each other's.
/// </summary>
public sealed record Installation(string Id, string LoadBalancerClass)
{
    public const string IdTag = "directlb.io/installation";
    public const string ClassTag = "directlb.io/class";

    public IReadOnlyDictionary<string, string> ToTags() => new Dictionary<string, string>
    {
        [IdTag] = Id,
        [ClassTag] = LoadBalancerClass,
    };

    /// <summary>The tags name this installation (both of them): what listing owned load balancers filters on.</summary>
    public bool Tagged(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(IdTag, out var id) && id == Id && tags.TryGetValue(ClassTag, out var cls) && cls == LoadBalancerClass;

    /// <summary>
    /// Nothing in the tags names another installation. A load balancer created before installation tags existed
    /// carries none: it is admitted (its Service tags decide), so an upgrade adopts it instead of creating a twin.
    /// </summary>
    public bool Admits(IReadOnlyDictionary<string, string> tags) =>
        (!tags.TryGetValue(IdTag, out var id) || id == Id) && (!tags.TryGetValue(ClassTag, out var cls) || cls == LoadBalancerClass);

    public static Installation? FromTags(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(IdTag, out var id) && tags.TryGetValue(ClassTag, out var cls) && id.Length > 0 && cls.Length > 0
            ? new Installation(id, cls)
            : null;
}
