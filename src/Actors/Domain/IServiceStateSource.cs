namespace DirectLB.Actors.Domain;

/// <summary>
/// Where an entity asks for the current wanted state of its Service, when it has lost it (a restart after
/// a journal failure) or when it moves to another replica. The watchers answer by sending fresh observations through
/// the shard region.
/// </summary>
public interface IServiceStateSource
{
    void RequestResend(ServiceKey key, TimeSpan after);

    /// <summary>
    /// The entity stopped without a journal failure while its Service goes on (sharding handed its shard to another
    /// replica: this one leaves, or a rebalance): send the Service again at once, so that it starts on its new owner
    /// now, if another replica is up to take it (when none is, the message would wait in the leaving replica's region
    /// and hold up its shutdown).
    /// </summary>
    void RequestResendOnNewOwner(ServiceKey key);
}
