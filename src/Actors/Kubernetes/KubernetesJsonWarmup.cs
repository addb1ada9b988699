using System.Text.Json;
using k8s;
using k8s.Models;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// The Kubernetes client's JSON serializer prepares its metadata for a type the first time it reads one, and the types
/// a list of pods reaches are hundreds. A replica that takes the watchers over when another leaves or dies lists every
/// Service, EndpointSlice and gated pod at once, and preparing that metadata then was a third of a second of CPU on the
/// hand-over's critical path; prepared ahead, the watchers' relist after a failover took 0.45–0.85 s instead of
/// 0.76–1.54 s (issue 17; docs/benchmarks.md, "Replay without a stream"). <see cref="Prepare"/> does it ahead, on every
/// replica, for every type the watchers' lists can reach.
/// </summary>
public static class KubernetesJsonWarmup
{
    /// <summary>What the watchers list: Services, EndpointSlices, pods, and the Secrets that name member clusters.</summary>
    public static IReadOnlyList<Type> Listed { get; } = [typeof(V1ServiceList), typeof(V1EndpointSliceList), typeof(V1PodList), typeof(V1SecretList)];

    /// <summary>Prepares the metadata of <paramref name="roots"/> and of every type they reach; returns those types.</summary>
    public static IReadOnlySet<Type> Prepare(IEnumerable<Type> roots, CancellationToken cancellationToken = default)
    {
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        var prepared = new HashSet<Type>();
        var pending = new Queue<Type>(roots);
        while (pending.TryDequeue(out var type) && !cancellationToken.IsCancellationRequested)
        {
            if (!prepared.Add(type))
            {
                continue;
            }

            var info = options!.GetTypeInfo(type);
            foreach (var property in info.Properties)
            {
                pending.Enqueue(property.PropertyType);
            }

            if (info.ElementType is { } element)
            {
                pending.Enqueue(element);
            }

            if (info.KeyType is { } key)
            {
                pending.Enqueue(key);
            }
        }

        return prepared;
    }
}
