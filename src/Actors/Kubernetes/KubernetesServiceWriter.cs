using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Writes finalizers, status and Events to member clusters' Services. Finalizer edits are merge patches
/// that carry the resourceVersion they were computed from, so a concurrent change to the list gets a 409
/// and is recomputed instead of being overwritten. A Service that is already gone needs nothing.
/// At most <see cref="WritesInFlight"/> requests are in flight to one member cluster; the others wait before their
/// request is built (its body, headers and timeout timer), so a burst (a cold start writes a status and Events for every
/// Service) holds a few bytes per write instead of a request each, and the watchers' lists and reads keep connections.
/// </summary>
public sealed partial class KubernetesServiceWriter(MemberClusters clusters, TimeProvider clock) : IServiceWriter
{
    /// <summary>Half of the client's connections (<see cref="KubernetesClients.ConnectionsPerServer"/>): the rest stay for watches, lists and reads.</summary>
    public const int WritesInFlight = KubernetesClients.ConnectionsPerServer / 2;

    private const int ConflictRetries = 5;
    private const string Component = "directlb";

    private readonly ConcurrentDictionary<string, WriteSlots> _writeSlots = new(StringComparer.Ordinal);

    public Task AddFinalizerAsync(string clusterId, ServiceKey key, ServiceSnapshot? observed, CancellationToken cancellationToken) =>
        EditFinalizersAsync(clusterId, key, add: true, observed, cancellationToken);

    public Task RemoveFinalizerAsync(string clusterId, ServiceKey key, ServiceSnapshot? observed, CancellationToken cancellationToken) =>
        EditFinalizersAsync(clusterId, key, add: false, observed, cancellationToken);

    public Task SetIngressAsync(string clusterId, ServiceKey key, IReadOnlyList<string> addresses, CancellationToken cancellationToken) =>
        IgnoreNotFound(() => WriteAsync(clusterId, client =>
        {
            var ingress = addresses.Count == 0
                ? null
                : new JsonArray([.. addresses.Zip(IngressIpMode.For(addresses), (a, mode) => (JsonNode)(mode.Length > 0
                    ? new JsonObject { ["ip"] = a, ["ipMode"] = mode }
                    : new JsonObject { ["hostname"] = a }))]);
            var patch = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = ingress } } };
            return client.CoreV1.PatchNamespacedServiceStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), key.Name, key.Namespace, fieldManager: Component, cancellationToken: cancellationToken);
        }, cancellationToken));

    public Task RecordEventAsync(string clusterId, ServiceKey key, string serviceUid, ServiceEvent serviceEvent, CancellationToken cancellationToken) =>
        CreateEventAsync(clusterId, new V1ObjectReference { ApiVersion = "v1", Kind = "Service", Name = key.Name, NamespaceProperty = key.Namespace, Uid = serviceUid }, serviceEvent, cancellationToken);

    private async Task CreateEventAsync(string clusterId, V1ObjectReference involved, ServiceEvent serviceEvent, CancellationToken cancellationToken)
    {
        // Named once, so that a retry whose first try landed meets a 409; built only once a write slot is free.
        var name = $"{involved.Name}.{Guid.NewGuid():N}"[..Math.Min(involved.Name.Length + 17, 253)];
        var now = clock.GetUtcNow().UtcDateTime;
        // As client-go's recorder does, an Event that meets a passing failure (5xx, 429, a lost connection) is sent again
        // until the caller's deadline, so a short API outage does not swallow the one Event that explains a problem.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(clusterId, client => client.CoreV1.CreateNamespacedEventAsync(EventBody(name, now, involved, serviceEvent), involved.NamespaceProperty, cancellationToken: cancellationToken), cancellationToken);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt > 1)
            {
                return; // an earlier try landed although its answer was lost
            }
            catch (HttpOperationException ex) when (IsNamespaceTerminating(ex))
            {
                return; // nobody reads it: the namespace goes with its Events (client-go's recorder drops it the same way)
            }
            catch (Exception ex) when (IsPassing(ex) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(EventRetryDelay(attempt), clock, cancellationToken);
            }
        }
    }

    private static Corev1Event EventBody(string name, DateTime now, V1ObjectReference involved, ServiceEvent serviceEvent) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = involved.NamespaceProperty },
        InvolvedObject = involved,
        Reason = serviceEvent.Reason,
        Message = serviceEvent.Message,
        Type = serviceEvent.IsWarning ? "Warning" : "Normal",
        Source = new V1EventSource { Component = Component },
        ReportingComponent = Component,
        FirstTimestamp = now,
        LastTimestamp = now,
        Count = 1,
    };

    /// <summary>200 ms, doubling to 3.2 s: about ten tries in a 30 s budget.</summary>
    private static TimeSpan EventRetryDelay(int attempt) => TimeSpan.FromMilliseconds(200 * Math.Pow(2, Math.Min(attempt - 1, 4)));

    // 403 with the NamespaceTerminating cause: the NamespaceLifecycle admission refuses new content in a namespace being deleted.
    private static bool IsNamespaceTerminating(HttpOperationException ex) =>
        ex.Response.StatusCode == HttpStatusCode.Forbidden
        && ex.Response.Content is { Length: > 0 } body
        && (JsonNode.Parse(body)?["details"]?["causes"] as JsonArray ?? []).Any(c => c?["reason"]?.GetValue<string>() == "NamespaceTerminating");

    private static bool IsPassing(Exception ex) => ex switch
    {
        HttpOperationException http => (int)http.Response.StatusCode >= 500 || http.Response.StatusCode == HttpStatusCode.TooManyRequests,
        HttpRequestException => true,
        _ => false,
    };

    /// <summary>
    /// Edits the finalizer list by a merge patch that carries the resourceVersion the list was read at, so that a change
    /// made meanwhile (another controller's finalizer) gets a 409 and is read again rather than overwritten. The first
    /// try uses the list the entity observed, as the upstream service controller patches from its informer's copy: one
    /// request per edit instead of a read and a write.
    /// </summary>
    private async Task EditFinalizersAsync(string clusterId, ServiceKey key, bool add, ServiceSnapshot? observed, CancellationToken cancellationToken)
    {
        var known = observed is { Finalizers: { } observedList, ResourceVersion.Length: > 0 }
            ? new FinalizerList(observed.ResourceVersion, observedList, observed.IsDeleting)
            : null;
        for (var attempt = 1; ; attempt++)
        {
            var current = known ?? await WriteAsync(clusterId, client => ReadFinalizers(client, key, cancellationToken), cancellationToken);
            known = null;
            // Nothing to do when the Service is gone, already as wanted, or being deleted (no new finalizers allowed then).
            if (current is null || current.Finalizers.Contains(ServiceClassFilter.Finalizer) == add || (add && current.IsDeleting))
            {
                return;
            }

            var finalizers = add ? current.Finalizers.Add(ServiceClassFilter.Finalizer) : current.Finalizers.Remove(ServiceClassFilter.Finalizer);
            var resourceVersion = current.ResourceVersion;
            try
            {
                // The patch is built once a write slot is free: a burst of waiting edits holds their lists, not their requests.
                await WriteAsync(clusterId, client => client.CoreV1.PatchNamespacedServiceAsync(
                    FinalizerPatch(finalizers, resourceVersion), key.Name, key.Namespace, fieldManager: Component, cancellationToken: cancellationToken), cancellationToken);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt < ConflictRetries)
            {
                // Someone changed the Service since the list was read (or observed): read it again.
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }
        }
    }

    private static V1Patch FinalizerPatch(ImmutableArray<string> finalizers, string resourceVersion) => new(
        new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = JsonSerializer.SerializeToNode(finalizers),
                ["resourceVersion"] = resourceVersion,
            },
        }.ToJsonString(),
        V1Patch.PatchType.MergePatch);

    /// <summary>
    /// Sends one request to the member cluster once one of its <see cref="WritesInFlight"/> slots is free; the writes
    /// waiting for one are <c>directlb_kubernetes_writes_waiting</c>. The cluster's client is taken once the slot is, so
    /// a write that waited through a credential rotation goes out on the new client, not the disposed one.
    /// </summary>
    private async Task<T> WriteAsync<T>(string clusterId, Func<IKubernetes, Task<T>> request, CancellationToken cancellationToken)
    {
        var slots = _writeSlots.GetOrAdd(clusterId, _ => new WriteSlots(WritesInFlight));
        if (!slots.TryTake())
        {
            var waiting = DirectLbMetrics.KubernetesWritesWaiting.WithLabels(clusterId);
            waiting.Inc();
            await slots.WaitAsync();
            waiting.Dec();
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested(); // cancelled while it waited: the turn passes on
            return await request(clusters.Get(clusterId));
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The Service's finalizers as the API server has them now; null when the Service is gone.</summary>
    private static async Task<FinalizerList?> ReadFinalizers(IKubernetes client, ServiceKey key, CancellationToken cancellationToken)
    {
        try
        {
            var service = await client.CoreV1.ReadNamespacedServiceAsync(key.Name, key.Namespace, cancellationToken: cancellationToken);
            return new FinalizerList(service.Metadata.ResourceVersion, [.. service.Metadata.Finalizers ?? []], service.Metadata.DeletionTimestamp is not null);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private sealed record FinalizerList(string ResourceVersion, ImmutableArray<string> Finalizers, bool IsDeleting);

    private static async Task IgnoreNotFound(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}
