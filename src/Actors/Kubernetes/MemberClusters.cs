using System.Collections.Concurrent;
using k8s;

namespace DirectLB.Actors.Kubernetes;

/// <summary>The Kubernetes clients of the member clusters, by cluster id.</summary>
public sealed class MemberClusters : IDisposable
{
    private readonly ConcurrentDictionary<string, IKubernetes> _clients = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Ids => [.. _clients.Keys];

    public void Add(string clusterId, IKubernetes client)
    {
        if (!_clients.TryAdd(clusterId, client))
        {
            throw new InvalidOperationException($"member cluster '{clusterId}' is registered twice");
        }
    }

    public IKubernetes Get(string clusterId) =>
        _clients.TryGetValue(clusterId, out var client)
            ? client
            : throw new KeyNotFoundException($"member cluster '{clusterId}' is not registered");

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
