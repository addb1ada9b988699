using System.Collections.Immutable;
using System.Text.Json.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// What the entity knows it did to the provider: the load balancer, its listeners and their targets,
/// rebuilt from the journal. Draining targets remember since when, so a drain delay survives a failover.
/// <see cref="Address"/> is the primary address; a dual-stack load balancer has a <see cref="SecondaryAddress"/> of the
/// other family (null in journals written before dual stack: they read back as single stack).
/// </summary>
public sealed record AppliedLoadBalancer(
    string Id,
    string Name,
    string Address,
    LoadBalancerOwner Owner,
    ImmutableDictionary<ListenerKey, AppliedListener> Listeners)
{
    public string? SecondaryAddress { get; init; }

    /// <summary>Every address, primary first: what <c>status.loadBalancer.ingress</c> lists.</summary>
    [JsonIgnore]
    public ImmutableArray<string> Addresses => SecondaryAddress is null ? [Address] : [Address, SecondaryAddress];

    public int TargetCount => Listeners.Values.Sum(l => l.Targets.Count);

    /// <summary>The load balancer by id with the owner its tags must name: what every provider verb by id takes.</summary>
    public LoadBalancerRef Ref => new(Id, Owner);

    /// <summary>Takes the provider's view as truth, keeping the drain start of targets that were already draining.</summary>
    public static AppliedLoadBalancer FromProvider(
        LoadBalancerInfo info,
        LoadBalancerOwner owner,
        AppliedLoadBalancer? previous,
        DateTimeOffset observedAt)
    {
        var listeners = info.Listeners.ToImmutableDictionary(
            l => l.Spec.Key,
            l => new AppliedListener(
                l.Spec,
                TargetMap<AppliedTarget>.From(l.Targets.Select(
                    t => new AppliedTarget(t, t.State == TargetState.Draining ? previous?.DrainingSince(l.Spec.Key, t.Key) ?? observedAt : null)))));
        return new AppliedLoadBalancer(info.Id, info.Name, info.Address, owner, listeners) { SecondaryAddress = info.SecondaryAddress };
    }

    public DateTimeOffset? DrainingSince(ListenerKey listener, TargetKey target) =>
        Listeners.TryGetValue(listener, out var l) && l.Targets.TryGetValue(target, out var t) ? t.DrainingSince : null;

    public AppliedLoadBalancer WithListener(ListenerSpec spec) =>
        this with
        {
            Listeners = Listeners.SetItem(
                spec.Key,
                Listeners.TryGetValue(spec.Key, out var existing) ? existing with { Spec = spec } : new AppliedListener(spec, TargetMap<AppliedTarget>.Empty)),
        };

    public AppliedLoadBalancer WithoutListener(ListenerKey key) => this with { Listeners = Listeners.Remove(key) };

    public AppliedLoadBalancer WithTargetChanges(
        ListenerKey key,
        IEnumerable<TargetSpec> upserts,
        IEnumerable<TargetKey> removals,
        DateTimeOffset at)
    {
        if (!Listeners.TryGetValue(key, out var listener))
        {
            return this;
        }

        // A target upserted as draining keeps the start of a drain it was already in; one removed in the same change starts anew.
        var removed = removals.ToHashSet();
        var applied = upserts.Select(upsert => new AppliedTarget(
            upsert,
            upsert.State == TargetState.Draining
                ? (removed.Contains(upsert.Key) ? null : listener.Targets.GetValueOrDefault(upsert.Key)?.DrainingSince) ?? at
                : null));
        return this with { Listeners = Listeners.SetItem(key, listener with { Targets = listener.Targets.With(removed, applied) }) };
    }
}

public sealed record AppliedListener(ListenerSpec Spec, TargetMap<AppliedTarget> Targets);

public sealed record AppliedTarget(TargetSpec Spec, DateTimeOffset? DrainingSince) : IKeyedByTarget
{
    [JsonIgnore]
    public TargetKey Key => Spec.Key;
}
