using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace DirectLB.Bench;

/// <summary>
/// How many writes per second the API test server takes over HTTP from a KubernetesClient, in the two shapes the host
/// writes most at a cold start: a merge patch of a Service's status (its ingress) and a new Event about a Service,
/// one after the other, from <see cref="Callers"/> callers at once (the host's entities write concurrently too).
/// </summary>
public static class ApiWriteRate
{
    private const int Callers = 64;

    public static async Task<double> MeasureAsync(string kubeconfig, string ns, int services, TimeSpan duration)
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        using var stop = new CancellationTokenSource();
        var writes = 0L;
        var callers = Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            for (var i = c; !stop.IsCancellationRequested; i += Callers)
            {
                await WriteAsync(client, ns, i, Fleet.ServiceName(i / 2 % services), stop.Token);
                Interlocked.Increment(ref writes);
            }
        })).ToList();

        // A second of warm-up (connections, JIT), then counted over the window only.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = Interlocked.Read(ref writes);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(duration);
        var rate = (Interlocked.Read(ref writes) - before) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(callers);
        }
        catch (OperationCanceledException)
        {
            // The callers end by cancellation.
        }

        return rate;
    }

    private static Task WriteAsync(Kubernetes client, string ns, int i, string service, CancellationToken cancellationToken)
    {
        if (i % 2 == 0)
        {
            var ingress = new JsonObject { ["ip"] = $"127.200.{i / 256 % 256}.{i % 256}", ["ipMode"] = "VIP" };
            var patch = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(ingress) } } };
            return client.CoreV1.PatchNamespacedServiceStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), service, ns, fieldManager: "directlb-bench", cancellationToken: cancellationToken);
        }

        var now = DateTime.UtcNow;
        return client.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = $"{service}.{Guid.NewGuid():N}", NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Service", Name = service, NamespaceProperty = ns },
                Reason = "EnsuredLoadBalancer",
                Message = "Ensured load balancer",
                Type = "Normal",
                Source = new V1EventSource { Component = "directlb-bench" },
                FirstTimestamp = now,
                LastTimestamp = now,
                Count = 1,
            },
            ns,
            cancellationToken: cancellationToken);
    }
}
