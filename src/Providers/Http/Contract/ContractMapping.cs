using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>Converts between the provider model and the wire records, in both directions, in one place.</summary>
public static class ContractMapping
{
    public static LoadBalancerDto ToDto(LoadBalancerInfo lb) =>
        new(lb.Id, lb.Name, lb.Address, lb.Tags, [.. lb.Listeners.Select(ToDto)], lb.Addresses);

    /// <summary>The second address of <c>addresses</c> is the secondary one; the first is <c>address</c>.</summary>
    public static LoadBalancerInfo ToModel(LoadBalancerDto lb) =>
        new(lb.Id, lb.Name, lb.Address, lb.Tags, [.. lb.Listeners.Select(ToModel)])
        {
            SecondaryAddress = lb.Addresses is [var first, var second] && first == lb.Address ? second : null,
        };

    public static ListenerDto ToDto(ListenerInfo listener) => new(
        listener.Spec.Key.Protocol,
        listener.Spec.Key.Port,
        ToSettings(listener.Spec),
        [.. listener.Targets.Select(t => ToDto(t) with { Health = listener.Health is null ? null : listener.HealthOf(t.Key) })]);

    /// <summary>A server that reports no target's health has no health view: the listener's health stays null.</summary>
    public static ListenerInfo ToModel(ListenerDto listener) => new(
        ToSpec(new ListenerKey(listener.Protocol, listener.Port), listener.Settings),
        [.. listener.Targets.Select(ToModel)],
        listener.Targets.Any(t => t.Health is not null)
            ? listener.Targets.ToDictionary(t => new TargetKey(t.Ip, t.Port), t => t.Health ?? TargetHealth.Unknown)
            : null);

    public static ListenerSettingsDto ToSettings(ListenerSpec spec) => new(spec.Name, spec.HealthCheck, spec.ProxyProtocolV2, spec.SourceRanges, spec.Affinity);

    public static ListenerSpec ToSpec(ListenerKey key, ListenerSettingsDto settings) =>
        new(key, settings.Name, settings.HealthCheck, settings.ProxyProtocolV2, settings.SourceRanges, settings.ClientIpAffinity);

    public static TargetDto ToDto(TargetSpec target) =>
        new(target.Key.Address, target.Key.Port, target.Weight, target.State, target.ClusterId);

    public static TargetSpec ToModel(TargetDto target) =>
        new(new TargetKey(target.Ip, target.Port), target.Weight, target.State, target.ClusterId);

    public static TargetKeyDto ToDto(TargetKey key) => new(key.Address, key.Port);

    public static TargetKey ToModel(TargetKeyDto key) => new(key.Ip, key.Port);

    public static CapabilitiesDto ToDto(ProviderCapabilities capabilities) => new(
        capabilities.SupportsWeights,
        capabilities.SupportsDrain,
        capabilities.MaxTargetsPerLoadBalancer,
        [.. capabilities.Protocols.Order()],
        capabilities.SupportsSourceRanges,
        capabilities.SupportsSessionAffinity,
        capabilities.SupportsRequestedAddress,
        capabilities.AddressFamilies.Count == 0 ? null : [.. capabilities.AddressFamilies.Order()]);

    public static ProviderCapabilities ToModel(CapabilitiesDto capabilities) => new(
        capabilities.SupportsWeights,
        capabilities.SupportsDrain,
        capabilities.MaxTargetsPerLoadBalancer,
        capabilities.Protocols.ToHashSet())
    {
        SupportsSourceRanges = capabilities.SupportsSourceRanges,
        SupportsSessionAffinity = capabilities.SupportsSessionAffinity,
        SupportsRequestedAddress = capabilities.SupportsRequestedAddress,
        AddressFamilies = (capabilities.AddressFamilies ?? []).ToHashSet(),
    };
}
