using System.Text.Json.Serialization;

namespace DirectLB.Providers.Model;

/// <summary>
/// A load balancer as the provider reports it. <see cref="Address"/> is its primary address; a dual-stack load balancer
/// has a <see cref="SecondaryAddress"/> of the other IP family too (null on a single-stack one, and in every journal and
/// answer written before dual stack).
/// </summary>
public sealed record LoadBalancerInfo(
    string Id,
    string Name,
    string Address,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<ListenerInfo> Listeners)
{
    public string? SecondaryAddress { get; init; }

    /// <summary>Every address, primary first: one per IP family it serves.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Addresses => SecondaryAddress is null ? [Address] : [Address, SecondaryAddress];

    /// <summary>This load balancer named by id with the owner its tags name, for the verbs that act by id.</summary>
    public LoadBalancerRef Ref =>
        new(Id, LoadBalancerOwner.FromTags(Tags) ?? throw new InvalidOperationException($"load balancer {Id} carries no owner tags"));
}

/// <summary>
/// A listener as the provider reports it, with its registered targets and, where the provider can tell, each
/// target's health. <see cref="Health"/> null means the provider has no health view. Health is a moment's verdict,
/// never state: it is left out wherever a listener is serialized (a journal keeps what was applied, not how it fared).
/// </summary>
public sealed record ListenerInfo(
    ListenerSpec Spec,
    IReadOnlyList<TargetSpec> Targets,
    [property: JsonIgnore] IReadOnlyDictionary<TargetKey, TargetHealth>? Health = null)
{
    public TargetHealth HealthOf(TargetKey target) => Health?.GetValueOrDefault(target, TargetHealth.Unknown) ?? TargetHealth.Unknown;
}

/// <summary>One page of the load balancers an installation owns; <see cref="Continue"/> asks for the next, null on the last.</summary>
public sealed record LoadBalancerPage(IReadOnlyList<LoadBalancerInfo> Items, string? Continue);
