using System.Collections.Immutable;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Turns traffic shares of groups of pods (member clusters, or nodes) into per-target weights, so that a group's
/// share holds whatever its pod count: each pod of group g weighs share(g) / pods(g), scaled so the heaviest pod
/// weighs <see cref="MaxWeight"/>.
/// </summary>
public static class ShareWeights
{
    /// <summary>HAProxy's and most clouds' largest weight; keeps rounding error under half a percent.</summary>
    public const int MaxWeight = 256;

    /// <summary>Weight per pod by group; groups with no pods or no share are absent.</summary>
    public static ImmutableDictionary<string, int> Compute(
        IReadOnlyDictionary<string, int> shares,
        IReadOnlyDictionary<string, int> podsPerGroup)
    {
        var perPod = podsPerGroup
            .Where(p => p.Value > 0 && shares.GetValueOrDefault(p.Key) > 0)
            .ToDictionary(p => p.Key, p => (double)shares[p.Key] / p.Value);
        if (perPod.Count == 0)
        {
            return ImmutableDictionary<string, int>.Empty;
        }

        var heaviest = perPod.Values.Max();
        return perPod.ToImmutableDictionary(p => p.Key, p => Math.Max(1, (int)Math.Round(MaxWeight * p.Value / heaviest)));
    }
}
