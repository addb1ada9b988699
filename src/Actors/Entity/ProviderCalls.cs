using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>Maps a planned operation onto the provider verb that carries it out.</summary>
public static class ProviderCalls
{
    /// <summary>
    /// Runs the operation; returns what the provider reported for a provision, a move or a readdress, else null. A verb by id names the owner
    /// the provider must find on the load balancer: the operation's own (an orphan's), else <paramref name="owner"/>,
    /// the one the journal holds.
    /// </summary>
    public static async Task<LoadBalancerInfo?> RunAsync(ILoadBalancerProvider provider, ProviderOperation operation, LoadBalancerOwner? owner, CancellationToken ct)
    {
        LoadBalancerRef Ref(string id) =>
            new(id, owner ?? throw new InvalidOperationException($"{Describe(operation)}: no owner is known for load balancer {id}"));

        switch (operation)
        {
            case ProvisionLoadBalancer provision:
                return await ProvisionAsync(provider, provision, ct);
            case MoveLoadBalancer move:
                return await Chooser(provider).MoveLoadBalancerAsync(Ref(move.LoadBalancerId), move.Address, ct);
            case ReaddressLoadBalancer readdress:
                return await Families(provider).ReaddressLoadBalancerAsync(Ref(readdress.LoadBalancerId), readdress.Addresses, ct);
            case EnsureListener ensure:
                await provider.EnsureListenerAsync(Ref(ensure.LoadBalancerId), ensure.Listener, ct);
                return null;
            case DeleteListener delete:
                await provider.EnsureListenerDeletedAsync(Ref(delete.LoadBalancerId), delete.Listener, ct);
                return null;
            case ChangeTargets change:
                await provider.ChangeTargetsAsync(Ref(change.LoadBalancerId), change.Listener, change.Upserts, change.Removals, ct);
                return null;
            case DeleteLoadBalancer delete:
                await provider.EnsureLoadBalancerDeletedAsync(delete.Owner is { } orphanOwner ? new LoadBalancerRef(delete.LoadBalancerId, orphanOwner) : Ref(delete.LoadBalancerId), ct);
                return null;
            default:
                throw new InvalidOperationException($"no provider verb for {operation.GetType().Name}");
        }
    }

    /// <summary>
    /// Create (or find, by owner), then every listener, then every listener's first targets. What the load balancer
    /// held before (found rather than created) comes back in the result, so the entity's view includes it.
    /// </summary>
    private static async Task<LoadBalancerInfo> ProvisionAsync(ILoadBalancerProvider provider, ProvisionLoadBalancer provision, CancellationToken ct)
    {
        var info = provision.Addresses is { } addresses ? await Families(provider).EnsureLoadBalancerAsync(provision.Owner, provision.Name, addresses, ct)
            : provision.Address is { } address ? await Chooser(provider).EnsureLoadBalancerAsync(provision.Owner, provision.Name, address, ct)
            : await provider.EnsureLoadBalancerAsync(provision.Owner, provision.Name, ct);
        var created = new LoadBalancerRef(info.Id, provision.Owner);
        foreach (var listener in provision.Listeners)
        {
            await provider.EnsureListenerAsync(created, listener.Spec, ct);
        }

        foreach (var listener in provision.Listeners.Where(l => !l.Targets.IsEmpty))
        {
            await provider.ChangeTargetsAsync(created, listener.Spec.Key, listener.Targets, [], ct);
        }

        return info;
    }

    /// <summary>The planner asks for an address only of a provider that declares it can give one.</summary>
    private static IChosenAddressProvider Chooser(ILoadBalancerProvider provider) =>
        provider as IChosenAddressProvider ?? throw new AddressUnavailableException($"the {provider.Name} provider gives addresses itself");

    /// <summary>
    /// What the planner may ask of the provider: what it declares, less the address families when it cannot be asked for
    /// them (a wrapper that forwards the capabilities of a provider it does not forward the verbs of).
    /// </summary>
    public static ProviderCapabilities Askable(ILoadBalancerProvider provider) =>
        provider is IAddressFamiliesProvider || provider.Capabilities.AddressFamilies.Count == 0
            ? provider.Capabilities
            : provider.Capabilities with { AddressFamilies = new HashSet<IpFamily>() };

    /// <summary>The planner asks for address families only of a provider that declares them.</summary>
    private static IAddressFamiliesProvider Families(ILoadBalancerProvider provider) =>
        provider as IAddressFamiliesProvider ?? throw new AddressUnavailableException($"the {provider.Name} provider cannot be asked for IP families");

    /// <summary>The operation's name in metrics.</summary>
    public static string MetricName(ProviderOperation operation) => operation switch
    {
        ProvisionLoadBalancer => "provision_load_balancer",
        ObserveLoadBalancer => "find_load_balancer",
        MoveLoadBalancer => "move_load_balancer",
        ReaddressLoadBalancer => "readdress_load_balancer",
        EnsureListener => "ensure_listener",
        DeleteListener => "delete_listener",
        ChangeTargets => "change_targets",
        DeleteLoadBalancer => "delete_load_balancer",
        _ => "unknown",
    };

    /// <summary>A one-line description for logs and Events.</summary>
    public static string Describe(ProviderOperation operation) => operation switch
    {
        ProvisionLoadBalancer provision => $"provision load balancer {provision.Name}{(provision.Addresses is { } asked ? $" with {asked}" : provision.Address is { } at ? $" at {at}" : "")}: {provision.Listeners.Length} listeners, {provision.Listeners.Sum(l => l.Targets.Length)} targets",
        MoveLoadBalancer move => $"move load balancer {move.LoadBalancerId} to {move.Address}",
        ReaddressLoadBalancer readdress => $"give load balancer {readdress.LoadBalancerId} {readdress.Addresses}",
        ObserveLoadBalancer => "read back load balancer",
        EnsureListener ensure => $"ensure listener {ensure.Listener.Key}",
        DeleteListener delete => $"delete listener {delete.Listener}",
        ChangeTargets change => $"change targets of {change.Listener}: {change.Upserts.Length} upserted, {change.Removals.Length} removed",
        DeleteLoadBalancer delete => $"delete load balancer {delete.LoadBalancerId}",
        _ => operation.GetType().Name,
    };
}
