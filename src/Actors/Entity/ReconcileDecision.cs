using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>
/// The entity's brain: given what the member clusters want, what the journal says was applied and what was
/// already written back, decide the single next step. Pure, so every path is a table test.
/// Order matters: read back anything in doubt, or the load balancer itself when a read-back is due; add finalizers
/// before creating; create with listeners and first targets (one operation), later change listeners, then targets;
/// publish the address; release member clusters whose Service left (deleted, or no longer of our class) only after
/// their targets are gone; delete the load balancer before the last finalizer; collect an orphan last.
/// </summary>
public static class ReconcileDecision
{
    /// <param name="readBackDue">The periodic read-back's time has come, or a provider call failed since the last one.</param>
    /// <param name="orphan">A load balancer the orphan collector found for this Service, which no member cluster wants.</param>
    public static ReconcileStep Next(
        IReadOnlyCollection<ClusterObservation> observations,
        ServiceLoadBalancerState state,
        DesiredState desired,
        KubernetesWrites writes,
        ServiceClassFilter filter,
        DateTimeOffset now,
        IReadOnlySet<(ListenerKey Listener, TargetKey Target)>? idleDraining = null,
        bool readBackDue = false,
        LoadBalancerRef? orphan = null)
    {
        if (state.InDoubt || (readBackDue && state.Applied is not null))
        {
            // The desired owner carries the current installation; the journal's may predate installation tags.
            var owner = desired.LoadBalancer?.Owner
                ?? state.Applied?.Owner
                ?? state.InFlight?.Operation switch
                {
                    ProvisionLoadBalancer provision => provision.Owner,
                    CreateLoadBalancer create => create.Owner,
                    ObserveLoadBalancer observe => observe.Owner,
                    _ => null,
                };
            if (owner is not null)
            {
                return new ReadBack(owner);
            }
        }

        if (!desired.IsValid)
        {
            return new KeepLastGood(desired.Errors, desired.SlicesBehind);
        }

        var wanting = observations.Where(o => Wants(o, filter)).ToList();
        var leaving = observations.Where(o => !Wants(o, filter)).ToList();
        if (desired.LoadBalancer is { } wanted)
        {
            foreach (var o in wanting.Where(o => !o.Service.HasFinalizer))
            {
                if (!writes.Contains(o.ClusterId, KubernetesWriteKind.AddFinalizer, o.Service.ResourceVersion))
                {
                    return new WriteService(o.ClusterId, KubernetesWriteKind.AddFinalizer, o.Service.ResourceVersion, []);
                }
            }

            var operations = LoadBalancerDiff.Between(wanted, state.Applied, now, idleDraining);
            if (!operations.IsEmpty)
            {
                return new CallProvider(operations[0]);
            }

            return PublishIngress(wanting, IngressAddress.Publishable(state.Applied!.Addresses), writes, now)
                ?? Release(leaving, writes)
                ?? new InSync(Moments.Earliest(LoadBalancerDiff.NextDrainDeadline(wanted, state.Applied), writes.NextIngressRetry(now)));
        }

        if (state.Applied is not null)
        {
            return new CallProvider(new DeleteLoadBalancer(state.Applied.Id));
        }

        return Release(leaving, writes)
            ?? (orphan is null ? new Finished() : new CallProvider(new DeleteLoadBalancer(orphan.Id, orphan.Owner)));
    }

    private static bool Wants(ClusterObservation o, ServiceClassFilter filter) =>
        filter.WantsLoadBalancer(o.Service) && !o.Service.IsDeleting;

    /// <summary>A member cluster whose Service no longer wants us: clear the address we published (if it lives on), then drop our finalizer.</summary>
    private static ReconcileStep? Release(IReadOnlyList<ClusterObservation> leaving, KubernetesWrites writes)
    {
        var clear = PublishIngress(leaving.Where(o => !o.Service.IsDeleting), [], writes, now: null);
        if (clear is not null)
        {
            return clear;
        }

        foreach (var o in leaving.Where(o => o.Service.HasFinalizer))
        {
            if (!writes.Contains(o.ClusterId, KubernetesWriteKind.RemoveFinalizer, o.Service.ResourceVersion))
            {
                return new WriteService(o.ClusterId, KubernetesWriteKind.RemoveFinalizer, o.Service.ResourceVersion, []);
            }
        }

        return null;
    }

    /// <param name="now">When set, a cluster whose status write is held (<see cref="KubernetesWrites.IsIngressHeld"/>) is
    /// passed over until its retry time; clearing the status (a cluster leaving) is never held.</param>
    private static WriteService? PublishIngress(
        IEnumerable<ClusterObservation> observations,
        ImmutableArray<string> addresses,
        KubernetesWrites writes,
        DateTimeOffset? now)
    {
        var detail = string.Join(',', addresses);
        var modes = IngressIpMode.For(addresses);
        foreach (var o in observations)
        {
            // The ledger also stops a loop where an API server older than 1.30 drops ipMode: the write changes nothing there.
            if (!(o.Service.Ingress.SequenceEqual(addresses) && o.Service.IngressIpModes.SequenceEqual(modes))
                && !writes.Contains(o.ClusterId, KubernetesWriteKind.SetIngress, o.Service.ResourceVersion, detail)
                && !(now is { } at && writes.IsIngressHeld(o.ClusterId, at)))
            {
                return new WriteService(o.ClusterId, KubernetesWriteKind.SetIngress, o.Service.ResourceVersion, addresses);
            }
        }

        return null;
    }
}
