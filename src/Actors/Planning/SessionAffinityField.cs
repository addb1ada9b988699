using DirectLB.Actors.Domain;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// <c>spec.sessionAffinity</c> and <c>spec.sessionAffinityConfig.clientIP.timeoutSeconds</c>, validated as the API server
/// does: <c>None</c> (or absent) is no affinity, <c>ClientIP</c> keeps each client on one pod for the timeout (default
/// 10800 s, at most 86400 s). A value DirectLB cannot honour is an error, never a silent round robin.
/// </summary>
public static class SessionAffinityField
{
    /// <summary>The affinity, null when there is none, or null with an error added.</summary>
    public static ClientIpAffinity? Resolve(ServiceSnapshot service, ProviderCapabilities capabilities, List<string> errors)
    {
        switch (service.SessionAffinity)
        {
            case "" or "None":
                return null;
            case "ClientIP":
                break;
            default:
                errors.Add($"spec.sessionAffinity '{Quote.Short(service.SessionAffinity)}' must be None or ClientIP");
                return null;
        }

        var timeout = service.AffinityTimeoutSeconds ?? ClientIpAffinity.DefaultTimeoutSeconds;
        if (timeout is < 1 or > ClientIpAffinity.MaxTimeoutSeconds)
        {
            errors.Add($"spec.sessionAffinityConfig.clientIP.timeoutSeconds {timeout} must be between 1 and {ClientIpAffinity.MaxTimeoutSeconds}");
            return null;
        }

        if (!capabilities.SupportsSessionAffinity)
        {
            errors.Add("spec.sessionAffinity is ClientIP, but the load balancer provider cannot keep a client on one target");
            return null;
        }

        return new ClientIpAffinity(timeout);
    }
}
