using System.Collections.Immutable;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Turns per-cluster traffic shares into per-target weights, so that a cluster's share holds whatever its pod
/// count: each pod of cluster c weighs share(c) / pods(c), scaled so the heaviest pod weighs <see cref="MaxWeight"/>.
/// </summary>
public static class ClusterShareWeights
{
    /// <summary>HAProxy's and most clouds' largest weight; keeps rounding error under half a percent.</summary>
    public const int MaxWeight = 256;

    /// <summary>Weight per pod by cluster; clusters with no pods or no share are absent.</summary>
    public static ImmutableDictionary<string, int> Compute(
        IReadOnlyDictionary<string, int> sharesPercent,
        IReadOnlyDictionary<string, int> podsPerCluster)
    {
        var perPod = podsPerCluster
            .Where(p => p.Value > 0 && sharesPercent.GetValueOrDefault(p.Key) > 0)
            .ToDictionary(p => p.Key, p => (double)sharesPercent[p.Key] / p.Value);
        if (perPod.Count == 0)
        {
            return ImmutableDictionary<string, int>.Empty;
        }

        var heaviest = perPod.Values.Max();
        return perPod.ToImmutableDictionary(p => p.Key, p => Math.Max(1, (int)Math.Round(MaxWeight * p.Value / heaviest)));
    }
}
