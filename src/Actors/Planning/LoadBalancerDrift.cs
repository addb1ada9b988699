using System.Collections.Immutable;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>What kind of difference a read-back found; the label of the drift metric.</summary>
public enum DriftKind
{
    LoadBalancerMissing,
    LoadBalancerUnrecorded,
    LoadBalancerReplaced,
    AddressChanged,
    ListenerMissing,
    ListenerChanged,
    ListenerForeign,
    TargetMissing,
    TargetForeign,
    TargetChanged,
}

/// <summary>One difference between what the journal says was applied and what the load balancer holds.</summary>
public sealed record DriftFinding(DriftKind Kind, string Description);

/// <summary>
/// Compares what the entity believes it applied with what the provider reports now, and says in words what differs.
/// Pure. Member cluster ids are not compared: they are DirectLB's bookkeeping, not something the load balancer
/// serves by. Health is not compared either: it is the load balancer's verdict on a target, not a setting.
/// </summary>
public static class LoadBalancerDrift
{
    public static ImmutableArray<DriftFinding> Between(AppliedLoadBalancer? applied, LoadBalancerInfo? observed)
    {
        if (applied is null)
        {
            return observed is null ? [] : [new DriftFinding(DriftKind.LoadBalancerUnrecorded, $"found load balancer {observed.Id} that the journal did not record")];
        }

        if (observed is null)
        {
            return [new DriftFinding(DriftKind.LoadBalancerMissing, $"load balancer {applied.Id} is gone")];
        }

        var findings = ImmutableArray.CreateBuilder<DriftFinding>();
        if (observed.Id != applied.Id)
        {
            findings.Add(new DriftFinding(DriftKind.LoadBalancerReplaced, $"load balancer {applied.Id} is now {observed.Id}"));
        }

        if (!observed.Addresses.SequenceEqual(applied.Addresses, StringComparer.Ordinal))
        {
            findings.Add(new DriftFinding(DriftKind.AddressChanged, $"addresses {string.Join(", ", applied.Addresses)} are now {string.Join(", ", observed.Addresses)}"));
        }

        var actual = observed.Listeners.ToDictionary(l => l.Spec.Key);
        foreach (var (key, listener) in applied.Listeners.OrderBy(l => l.Key.Port).ThenBy(l => l.Key.Protocol))
        {
            if (!actual.TryGetValue(key, out var running))
            {
                findings.Add(new DriftFinding(DriftKind.ListenerMissing, $"listener {key} is missing"));
                continue;
            }

            if (running.Spec != listener.Spec)
            {
                findings.Add(new DriftFinding(DriftKind.ListenerChanged, $"listener {key} has other settings"));
            }

            Compare(key, listener, running, findings);
        }

        foreach (var key in actual.Keys.Where(k => !applied.Listeners.ContainsKey(k)).OrderBy(k => k.Port))
        {
            findings.Add(new DriftFinding(DriftKind.ListenerForeign, $"listener {key} is not ours"));
        }

        return findings.ToImmutable();
    }

    /// <summary>The findings as one line for a log or an Event: the first few, and how many more.</summary>
    public static string Summarize(ImmutableArray<DriftFinding> findings, int shown = 5) =>
        string.Join("; ", findings.Take(shown).Select(f => f.Description))
        + (findings.Length > shown ? $"; and {findings.Length - shown} more" : "");

    private static void Compare(ListenerKey key, AppliedListener applied, ListenerInfo running, ImmutableArray<DriftFinding>.Builder findings)
    {
        var actual = running.Targets.ToDictionary(t => t.Key);
        foreach (var (target, was) in applied.Targets)
        {
            if (!actual.TryGetValue(target, out var now))
            {
                findings.Add(new DriftFinding(DriftKind.TargetMissing, $"target {target} of {key} is missing"));
            }
            else if (now.Weight != was.Spec.Weight || now.State != was.Spec.State)
            {
                findings.Add(new DriftFinding(
                    DriftKind.TargetChanged,
                    $"target {target} of {key} is {Describe(now)}, not {Describe(was.Spec)}"));
            }
        }

        foreach (var target in actual.Keys.Where(t => !applied.Targets.ContainsKey(t)).Order())
        {
            findings.Add(new DriftFinding(DriftKind.TargetForeign, $"target {target} of {key} is not ours"));
        }
    }

    private static string Describe(TargetSpec target) => $"{target.State.ToString().ToLowerInvariant()} with weight {target.Weight}";
}
