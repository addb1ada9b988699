namespace DirectLB.Actors.Domain;

/// <summary>
/// The entity's side effects on a member cluster's Service: finalizer, status and Events.
/// Implemented over the Kubernetes API; a port so the entity holds no Kubernetes client types.
/// </summary>
public interface IServiceWriter
{
    Task AddFinalizerAsync(string clusterId, ServiceKey key, CancellationToken cancellationToken);

    Task RemoveFinalizerAsync(string clusterId, ServiceKey key, CancellationToken cancellationToken);

    /// <summary>Sets <c>status.loadBalancer.ingress</c> to the addresses; an empty list clears it.</summary>
    Task SetIngressAsync(string clusterId, ServiceKey key, IReadOnlyList<string> addresses, CancellationToken cancellationToken);

    /// <summary>Records an Event on the Service. Best effort: a failure is logged, never retried forever.</summary>
    Task RecordEventAsync(string clusterId, ServiceKey key, string serviceUid, ServiceEvent serviceEvent, CancellationToken cancellationToken);
}
