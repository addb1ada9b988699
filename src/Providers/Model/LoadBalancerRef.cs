namespace DirectLB.Providers.Model;

/// <summary>
/// A load balancer named by its id together with the owner it must carry. Every verb that acts by id checks the
/// owner first and refuses with <see cref="LoadBalancerNotOwnedException"/> when the tags name someone else: ids
/// can be reused (a cloud that hands an id out again, a journal older than the cloud), and acting on another
/// Service's load balancer is the one mistake a controller must never make.
/// </summary>
public sealed record LoadBalancerRef(string Id, LoadBalancerOwner Owner)
{
    public override string ToString() => Id;
}
