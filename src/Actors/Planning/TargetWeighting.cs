using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// The weight of each target: equal per pod unless the Service asks for shares per member cluster or per node
/// (<see cref="ServiceAnnotations.Weighting"/>, <see cref="ServiceAnnotations.ClusterWeights"/>). Pure; part of the
/// planner (<see cref="DesiredStateBuilder"/>).
/// </summary>
internal static class TargetWeighting
{
    public const int EqualPodWeight = 1;

    // Member clusters an error names before "and N more".
    private const int MaxNamed = 5;

    /// <summary>Equal weight per pod by default; per-cluster shares, or equal weight per node, when the Service asks.</summary>
    public static TargetMap<TargetSpec> Weighted(
        IEnumerable<TargetSpec> targets,
        IReadOnlyDictionary<TargetKey, string> nodes,
        LoadBalancerSettings settings,
        ProviderCapabilities capabilities,
        List<string> errors)
    {
        if (settings.ClusterShares.IsEmpty && !settings.PerNode)
        {
            return TargetMap<TargetSpec>.From(targets);
        }

        if (!capabilities.SupportsWeights)
        {
            errors.Add("weighting other than equal per pod needs target weights, which the load balancer provider does not support");
            return TargetMap<TargetSpec>.Empty;
        }

        if (settings.PerNode)
        {
            if (!settings.ClusterShares.IsEmpty)
            {
                errors.Add($"annotations {ServiceAnnotations.Weighting}: node and {ServiceAnnotations.ClusterWeights} cannot be combined");
                return TargetMap<TargetSpec>.Empty;
            }

            return PerNode(targets.ToList(), nodes);
        }

        var list = targets.ToList();
        var unshared = list.Select(t => t.ClusterId).Distinct().Where(c => !settings.ClusterShares.ContainsKey(c)).Order(StringComparer.Ordinal).ToList();
        if (unshared.Count > 0)
        {
            // Member cluster ids are quoted as any other text an error echoes, and a few of them named: the message is an Event's.
            var named = string.Join(", ", unshared.Take(MaxNamed).Select(Quote.Short)) + (unshared.Count > MaxNamed ? $" and {unshared.Count - MaxNamed} more" : "");
            errors.Add($"annotation {ServiceAnnotations.ClusterWeights} gives no share to member cluster(s) {named}, which have pods");
            return TargetMap<TargetSpec>.Empty;
        }

        var pods = list.Where(t => t.State == TargetState.Serving).GroupBy(t => t.ClusterId).ToDictionary(g => g.Key, g => g.Count());
        var weights = ShareWeights.Compute(settings.ClusterShares, pods);
        return TargetMap<TargetSpec>.From(list.Select(t => t with { Weight = weights.GetValueOrDefault(t.ClusterId, EqualPodWeight) }));
    }

    /// <summary>Every node the same share, split among its pods: what externalTrafficPolicy: Local gives, for those who want it.</summary>
    private static TargetMap<TargetSpec> PerNode(List<TargetSpec> targets, IReadOnlyDictionary<TargetKey, string> nodes)
    {
        string NodeOf(TargetSpec t) => $"{t.ClusterId}/{nodes.GetValueOrDefault(t.Key, t.Key.Address)}";
        var pods = targets.Where(t => t.State == TargetState.Serving).GroupBy(NodeOf).ToDictionary(g => g.Key, g => g.Count());
        var weights = ShareWeights.Compute(pods.Keys.ToDictionary(n => n, _ => 1), pods);
        return TargetMap<TargetSpec>.From(targets.Select(t => t with { Weight = weights.GetValueOrDefault(NodeOf(t), EqualPodWeight) }));
    }
}
