using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;

namespace DirectLB.Actors.Entity;

/// <summary>
/// The entity's brain: given what Kubernetes wants, what the journal says was applied and what was
/// already written back, decide the single next step. Pure, so every path is a table test.
/// Order matters: read back anything in doubt; add the finalizer before creating; create, then listeners,
/// then targets; publish the address; on removal delete the load balancer before the finalizer.
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
        DateTimeOffset now)
    {
        if (!observed)
        {
            return new AwaitObservation();
        }

        if (state.InDoubt)
        {
            var owner = state.Applied?.Owner
                ?? (state.InFlight?.Operation as CreateLoadBalancer)?.Owner
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

        return desired.LoadBalancer is { } wanted
            ? Ensure(observations, state.Applied, wanted, writes, filter, now)
            : Remove(observations, state.Applied, writes, filter);
    }

    private static ReconcileStep Ensure(
        IReadOnlyCollection<ClusterObservation> observations,
        AppliedLoadBalancer? applied,
        DesiredLoadBalancer desired,
        KubernetesWrites writes,
        ServiceClassFilter filter,
        DateTimeOffset now)
    {
        var wanting = observations.Where(o => filter.WantsLoadBalancer(o.Service) && !o.Service.IsDeleting).ToList();
        foreach (var o in wanting.Where(o => !o.Service.HasFinalizer))
        {
            if (!writes.Contains(o.ClusterId, KubernetesWriteKind.AddFinalizer, o.Service.ResourceVersion))
            {
                return new WriteService(o.ClusterId, KubernetesWriteKind.AddFinalizer, o.Service.ResourceVersion, []);
            }
        }

        var operations = LoadBalancerDiff.Between(desired, applied, now);
        if (!operations.IsEmpty)
        {
            return new CallProvider(operations[0]);
        }

        ImmutableArray<string> addresses = [applied!.Address];
        return (ReconcileStep?)PublishIngress(wanting, addresses, writes) ?? new InSync(LoadBalancerDiff.NextDrainDeadline(desired, applied));
    }

    private static ReconcileStep Remove(
        IReadOnlyCollection<ClusterObservation> observations,
        AppliedLoadBalancer? applied,
        KubernetesWrites writes,
        ServiceClassFilter filter)
    {
        if (applied is not null)
        {
            return new CallProvider(new DeleteLoadBalancer(applied.Id));
        }

        // A Service that merely stopped qualifying keeps existing: clear the address we published.
        var stillThere = observations.Where(o => !o.Service.IsDeleting && !filter.WantsLoadBalancer(o.Service)).ToList();
        var clear = PublishIngress(stillThere, [], writes);
        if (clear is not null)
        {
            return clear;
        }

        foreach (var o in observations.Where(o => o.Service.HasFinalizer))
        {
            if (!writes.Contains(o.ClusterId, KubernetesWriteKind.RemoveFinalizer, o.Service.ResourceVersion))
            {
                return new WriteService(o.ClusterId, KubernetesWriteKind.RemoveFinalizer, o.Service.ResourceVersion, []);
            }
        }

        return new Finished();
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
