namespace DirectLB.Providers.Model;

/// <summary>A listener is identified by its protocol and front port.</summary>
public readonly record struct ListenerKey(TransportProtocol Protocol, int Port)
{
    public override string ToString() => $"{Protocol.ToString().ToUpperInvariant()}/{Port}";
}

/// <summary>
/// What a listener should look like. <see cref="Name"/> is the Service port's name, for humans.
/// <see cref="HealthCheck"/> null means the load balancer checks nothing and trusts the registered state;
/// <see cref="ProxyProtocolV2"/> makes the load balancer announce the client's address to the pod with a
/// PROXY protocol v2 header (the pod must expect it); <see cref="SourceRanges"/> admits only clients from those
/// blocks (null: every client); <see cref="Affinity"/> keeps each client on one target (null: none). All but the key
/// and name are defaulted so older callers and persisted specs keep their meaning.
/// </summary>
public sealed record ListenerSpec(
    ListenerKey Key,
    string Name,
    HealthCheckSpec? HealthCheck = null,
    bool ProxyProtocolV2 = false,
    SourceRanges? SourceRanges = null,
    ClientIpAffinity? Affinity = null);
