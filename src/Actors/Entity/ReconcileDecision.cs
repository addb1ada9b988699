using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;

namespace DirectLB.Actors.Entity;

/// <summary>
/// The entity's brain: given what the member clusters want, what the journal says was applied and what was
/// already written back, decide the single next step. Pure, so every path is a table test.
/// Order matters: read back anything in doubt; add finalizers before creating; create with listeners and first
/// targets (one operation), later change listeners, then targets; publish the address; release member clusters
/// whose Service left (deleted, or no longer of our class) only after their targets are gone; delete the load
/// balancer before the last finalizer.
/// </summary>
public static class ReconcileDecision
{
    public static ReconcileStep Next(
        IReadOnlyCollection<ClusterObservation> observations,
        bool observed,
        ServiceLoadBalancerState state,
        DesiredState desired,
        KubernetesWrites writes,
        ServiceClassFilter filter,
        DateTimeOffset now,
        IReadOnlySet<(Providers.Model.ListenerKey Listener, Providers.Model.TargetKey Target)>? idleDraining = null)
    {
        if (!observed)
        {
            return new AwaitObservation();
        }

        if (state.InDoubt)
        {
            var owner = state.Applied?.Owner
                ?? state.InFlight?.Operation switch
                {
                    ProvisionLoadBalancer provision => provision.Owner,
                    CreateLoadBalancer create => create.Owner,
                    _ => null,
                }
                ?? desired.LoadBalancer?.Owner;
            if (owner is not null)
            {
                return new CallProvider(new ObserveLoadBalancer(owner));
            }
        }

        if (!desired.IsValid)
        {
            return new KeepLastGood(desired.Errors);
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

            return PublishIngress(wanting, [state.Applied!.Address], writes)
                ?? Release(leaving, writes)
                ?? new InSync(LoadBalancerDiff.NextDrainDeadline(wanted, state.Applied));
        }

        if (state.Applied is not null)
        {
            return new CallProvider(new DeleteLoadBalancer(state.Applied.Id));
        }

        return Release(leaving, writes) ?? new Finished();
    }

    private static bool Wants(ClusterObservation o, ServiceClassFilter filter) =>
        filter.WantsLoadBalancer(o.Service) && !o.Service.IsDeleting;

    /// <summary>A member cluster whose Service no longer wants us: clear the address we published (if it lives on), then drop our finalizer.</summary>
    private static ReconcileStep? Release(IReadOnlyList<ClusterObservation> leaving, KubernetesWrites writes)
    {
        var clear = PublishIngress(leaving.Where(o => !o.Service.IsDeleting), [], writes);
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

    private static WriteService? PublishIngress(
        IEnumerable<ClusterObservation> observations,
        ImmutableArray<string> addresses,
        KubernetesWrites writes)
    {
        var detail = string.Join(',', addresses);
        foreach (var o in observations)
        {
            if (!o.Service.Ingress.SequenceEqual(addresses)
                && !writes.Contains(o.ClusterId, KubernetesWriteKind.SetIngress, o.Service.ResourceVersion, detail))
            {
                return new WriteService(o.ClusterId, KubernetesWriteKind.SetIngress, o.Service.ResourceVersion, addresses);
            }
        }

        return null;
    }
}
