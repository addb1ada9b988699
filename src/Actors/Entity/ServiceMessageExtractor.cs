using Akka.Cluster.Sharding;

namespace DirectLB.Actors.Entity;

/// <summary>Routes every <see cref="IServiceCommand"/> to the entity named by its Service key.</summary>
public sealed class ServiceMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IServiceCommand)?.Key.ToString();
}
