using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// Everything about a listener except its key (protocol and port, which name it in the path). It is the body of
/// <c>PUT .../listeners/{protocol}-{port}</c> and nested in <see cref="ListenerDto"/>, so a new listener field
/// (health check, proxy protocol) is one optional property here, one line in <see cref="ContractMapping"/>,
/// and one property of <c>ListenerSettings</c> in openapi.yaml.
/// </summary>
public sealed record ListenerSettingsDto(
    string Name,
    HealthCheckSpec? HealthCheck = null,
    bool ProxyProtocolV2 = false,
    SourceRanges? SourceRanges = null,
    ClientIpAffinity? ClientIpAffinity = null);

/// <summary>A listener as the server reports it, with its registered targets.</summary>
public sealed record ListenerDto(
    TransportProtocol Protocol,
    int Port,
    ListenerSettingsDto Settings,
    IReadOnlyList<TargetDto> Targets);
