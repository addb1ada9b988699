using System.Collections.Immutable;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Compares the desired load balancer with the applied one and lists the provider operations that close
/// the gap, in the order they must run. Deletion is diffing against nothing. Pure.
/// </summary>
public static class LoadBalancerDiff
{
    /// <param name="idle">Draining targets the provider reported with no open connection: they leave before their delay.</param>
    public static ImmutableArray<ProviderOperation> Between(
        DesiredLoadBalancer? desired,
        AppliedLoadBalancer? applied,
        DateTimeOffset now,
        IReadOnlySet<(ListenerKey Listener, TargetKey Target)>? idle = null)
    {
        if (desired is null)
        {
            return applied is null ? [] : [new DeleteLoadBalancer(applied.Id)];
        }

        if (applied is null)
        {
            return [Provision(desired)];
        }

        var operations = ImmutableArray.CreateBuilder<ProviderOperation>();
        // A requested address is kept: one the load balancer lost or never had (found rather than created) is asked for again.
        // So are the families: a load balancer found with other addresses than those asked for is given them.
        if (desired.Addresses is { } addresses)
        {
            if (!addresses.IsMetBy(applied.Addresses))
            {
                operations.Add(new ReaddressLoadBalancer(applied.Id, addresses));
            }
        }
        else if (desired.Address is { } address && address != applied.Address)
        {
            operations.Add(new MoveLoadBalancer(applied.Id, address));
        }

        foreach (var listener in InOrder(desired))
        {
            if (!applied.Listeners.TryGetValue(listener.Spec.Key, out var existing) || existing.Spec != listener.Spec)
            {
                operations.Add(new EnsureListener(applied.Id, listener.Spec));
            }
        }

        foreach (var listener in InOrder(desired))
        {
            if (applied.Listeners.TryGetValue(listener.Spec.Key, out var existing))
            {
                var change = TargetChanges(applied.Id, listener, existing, desired.DrainDelay, now, idle);
                if (change is not null)
                {
                    operations.Add(change);
                }
            }
        }

        foreach (var stale in applied.Listeners.Keys.Where(k => !desired.Listeners.ContainsKey(k)).OrderBy(k => k.Port))
        {
            operations.Add(new DeleteListener(applied.Id, stale));
        }

        return operations.ToImmutable();
    }

    /// <summary>The earliest moment a draining target's delay runs out, when the entity must look again.</summary>
    public static DateTimeOffset? NextDrainDeadline(DesiredLoadBalancer? desired, AppliedLoadBalancer? applied)
    {
        if (desired is null || applied is null)
        {
            return null;
        }

        return applied.Listeners.Values
            .Where(l => desired.Listeners.ContainsKey(l.Spec.Key))
            .SelectMany(l => l.Targets.Values)
            .Select(t => t.DrainingSince)
            .OfType<DateTimeOffset>()
            .Select(since => desired.DrainDelay >= DateTimeOffset.MaxValue - since ? DateTimeOffset.MaxValue : since + desired.DrainDelay)
            .Cast<DateTimeOffset?>()
            .Min();
    }

    /// <summary>Draining targets are left out: a target never registered has nothing to drain.</summary>
    private static ProvisionLoadBalancer Provision(DesiredLoadBalancer desired) =>
        new(
            desired.Owner,
            desired.Name,
            [
                .. InOrder(desired).Select(l => new ProvisionedListener(
                    l.Spec,
                    [.. l.Targets.Values.Where(t => t.State != TargetState.Draining)])),
            ],
            desired.Address)
        {
            Addresses = desired.Addresses,
        };

    private static IEnumerable<DesiredListener> InOrder(DesiredLoadBalancer desired) =>
        desired.Listeners.Values.OrderBy(l => l.Spec.Key.Port).ThenBy(l => l.Spec.Key.Protocol);

    private static ChangeTargets? TargetChanges(
        string loadBalancerId,
        DesiredListener desired,
        AppliedListener applied,
        TimeSpan drainDelay,
        DateTimeOffset now,
        IReadOnlySet<(ListenerKey Listener, TargetKey Target)>? idle)
    {
        var upserts = ImmutableArray.CreateBuilder<TargetSpec>();
        var removals = ImmutableArray.CreateBuilder<TargetKey>();
        foreach (var target in desired.Targets.Values)
        {
            applied.Targets.TryGetValue(target.Key, out var current);
            if (target.State == TargetState.Draining)
            {
                if (current is null)
                {
                    continue; // never registered: nothing to drain
                }

                if (current.DrainingSince is { } since && (now - since >= drainDelay || idle?.Contains((desired.Spec.Key, target.Key)) == true))
                {
                    removals.Add(target.Key); // drained long enough, or nothing left to drain
                    continue;
                }
            }

            if (current is null || current.Spec != target)
            {
                upserts.Add(target);
            }
        }

        removals.AddRange(applied.Targets.Keys.Where(k => !desired.Targets.ContainsKey(k)));
        return upserts.Count == 0 && removals.Count == 0
            ? null
            : new ChangeTargets(loadBalancerId, desired.Spec.Key, upserts.ToImmutable(), removals.ToImmutable());
    }
}
