namespace DirectLB.Actors.Domain;

/// <summary>
/// The entity's side effects on a member cluster: its Service's finalizer, status and Events, and the readiness gate
/// conditions (and Events) of the pods that back it. Implemented over the Kubernetes API; a port so the entity
/// holds no Kubernetes client types.
/// </summary>
public interface IServiceWriter
{
    /// <summary>
    /// Adds DirectLB's finalizer. <paramref name="observed"/> is the Service as the entity last saw it: when it carries
    /// its finalizers, the first try edits that list at that resourceVersion without reading the Service again (a
    /// Service changed since answers 409, and the list is read then); null reads the Service first.
    /// </summary>
    Task AddFinalizerAsync(string clusterId, ServiceKey key, ServiceSnapshot? observed, CancellationToken cancellationToken);

    /// <summary>Removes DirectLB's finalizer; <paramref name="observed"/> as for <see cref="AddFinalizerAsync"/>.</summary>
    Task RemoveFinalizerAsync(string clusterId, ServiceKey key, ServiceSnapshot? observed, CancellationToken cancellationToken);

    /// <summary>Sets <c>status.loadBalancer.ingress</c> to the addresses; an empty list clears it.</summary>
    Task SetIngressAsync(string clusterId, ServiceKey key, IReadOnlyList<string> addresses, CancellationToken cancellationToken);

    /// <summary>Records an Event on the Service. Best effort: a failure is logged, never retried forever.</summary>
    Task RecordEventAsync(string clusterId, ServiceKey key, string serviceUid, ServiceEvent serviceEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the readiness gate condition <paramref name="conditionType"/> on a pod's status, leaving its other
    /// conditions alone. A pod that is already gone needs nothing.
    /// </summary>
    Task SetPodConditionAsync(string clusterId, string @namespace, string pod, string conditionType, GateCondition condition, CancellationToken cancellationToken);

    /// <summary>Records an Event on a pod. Best effort, as for Services.</summary>
    Task RecordPodEventAsync(string clusterId, string @namespace, string pod, string podUid, ServiceEvent podEvent, CancellationToken cancellationToken);
}
