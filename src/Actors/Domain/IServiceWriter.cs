namespace DirectLB.Actors.Domain;

/// <summary>
/// The entity's side effects on a member cluster: its Service's finalizer, status and Events, and the readiness gate
/// conditions (and Events) of the pods that back it. Implemented over the Kubernetes API; a port so the entity
/// holds no Kubernetes client types.
/// </summary>
public interface IServiceWriter
{
    Task AddFinalizerAsync(string clusterId, ServiceKey key, CancellationToken cancellationToken);

    Task RemoveFinalizerAsync(string clusterId, ServiceKey key, CancellationToken cancellationToken);

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
