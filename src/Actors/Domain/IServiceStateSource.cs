namespace DirectLB.Actors.Domain;

/// <summary>
/// Where an entity asks for the current wanted state of its Service, when it has lost it (a restart after
/// a journal failure). The watchers answer by sending fresh observations through the shard region.
/// </summary>
public interface IServiceStateSource
{
    void RequestResend(ServiceKey key, TimeSpan after);
}
