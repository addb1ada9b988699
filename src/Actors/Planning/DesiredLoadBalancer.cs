using System.Collections.Immutable;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// The load balancer a Service should have, computed from Kubernetes alone. <see cref="Address"/> is the address the
/// Service requested (canonical), null when the provider chooses. <see cref="Addresses"/> is the IP families asked of a
/// provider that declares <see cref="DirectLB.Providers.ProviderCapabilities.AddressFamilies"/> (with the requested
/// address); null for one that does not, which gives one address as it always did.
/// </summary>
public sealed record DesiredLoadBalancer(
    LoadBalancerOwner Owner,
    string Name,
    TimeSpan DrainDelay,
    ImmutableDictionary<ListenerKey, DesiredListener> Listeners)
{
    public string? Address { get; init; }

    public AddressRequest? Addresses { get; init; }
}

/// <summary>A listener and the targets it should have. Draining targets are kept only until their delay passes.</summary>
public sealed record DesiredListener(ListenerSpec Spec, TargetMap<TargetSpec> Targets);

/// <summary>
/// The planner's verdict on a Service: a load balancer, none (<see cref="LoadBalancer"/> is null and there
/// are no errors: it must be removed), or errors that keep the last good state in place.
/// <see cref="SpecConflicts"/> names the member clusters whose Service spec differs from the one used, and why.
/// <see cref="Notices"/> say where the load balancer is less than the Service asked for and why, without it being an
/// error (PreferDualStack given one family): a Normal Event, once each.
/// <see cref="SlicesBehind"/>: every error is a Service port that no EndpointSlice carries, which the EndpointSlice
/// controller may not have caught up with yet (a port renamed or added moments ago).
/// </summary>
public sealed record DesiredState(DesiredLoadBalancer? LoadBalancer, ImmutableArray<string> Errors)
{
    public static DesiredState None { get; } = new(null, []);

    public ImmutableSortedDictionary<string, string> SpecConflicts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ImmutableArray<string> Notices { get; init; } = [];

    public bool SlicesBehind { get; init; }

    public bool IsValid => Errors.IsEmpty;

    public static DesiredState Invalid(IEnumerable<string> errors) => new(null, [.. errors]);
}
