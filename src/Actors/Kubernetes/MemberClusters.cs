using System.Collections.Concurrent;
using k8s;

namespace DirectLB.Actors.Kubernetes;

/// <summary>The Kubernetes clients of the member clusters, by cluster id. Members come and go at run time.</summary>
public sealed class MemberClusters : IDisposable
{
    private readonly ConcurrentDictionary<string, IKubernetes> _clients = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Ids => [.. _clients.Keys];

    /// <summary>Registers the member cluster's client, replacing (and disposing) an earlier one, e.g. on credential rotation.</summary>
    public void Set(string clusterId, IKubernetes client)
    {
        IKubernetes? replaced = null;
        _clients.AddOrUpdate(clusterId, client, (_, old) =>
        {
            replaced = old;
            return client;
        });
        if (!ReferenceEquals(replaced, client))
        {
            replaced?.Dispose();
        }
    }

    public void Remove(string clusterId)
    {
        if (_clients.TryRemove(clusterId, out var client))
        {
            client.Dispose();
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
