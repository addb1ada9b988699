using DirectLB.Providers.Http.Server;

namespace DirectLB.Providers.Simulated.Server;

/// <summary>How <see cref="SimulatedCloudServer"/> listens (as any contract server) and which simulated cloud it serves.</summary>
public sealed record SimulatedCloudServerOptions : ContractServerOptions
{
    /// <summary>The simulated cloud behind the API; a default (fast, unlimited) one when null.</summary>
    public SimulatedProvider? Provider { get; init; }
}
