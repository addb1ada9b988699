using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Services;

/// <summary>One Service write in progress: its name, for errors worded as the real server words them, and the values it
/// has chosen so far, which nothing else in the same write may choose again.</summary>
internal sealed class Writing(string name)
{
    private readonly Dictionary<BandAllocator, HashSet<int>> _chosen = [];

    public HashSet<int> Chosen(BandAllocator allocator) =>
        _chosen.TryGetValue(allocator, out var chosen) ? chosen : _chosen[allocator] = [];

    public HashSet<int> Chosen(ClusterIPs.Family family) => Chosen(family.Allocator);

    /// <summary>422 Invalid: <c>Service "name" is invalid: message</c>.</summary>
    public KubeApiException Invalid(string message) => KubeApiException.Invalid(ResourceTable.Services, name, message);
}
