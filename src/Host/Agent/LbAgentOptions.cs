using System.Net;
using DirectLB.Providers.HAProxy;

namespace DirectLB.Host.Agent;

/// <summary>
/// <c>directlb lb-agent</c>'s settings: where it listens, how clients prove themselves, and the HAProxy it drives.
/// From the command line and from <c>DIRECTLB_AGENT_</c> environment variables (the token belongs there, or in a file).
/// </summary>
public sealed class LbAgentOptions
{
    /// <summary>An IP endpoint, <c>address:port</c>.</summary>
    public string Listen { get; set; } = "127.0.0.1:9470";

    /// <summary>The bearer token controllers must send; best given through <c>DIRECTLB_AGENT_BearerToken</c>.</summary>
    public string? BearerToken { get; set; }

    /// <summary>A file holding the bearer token (a mounted Secret); its surrounding whitespace is ignored.</summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>PEM certificate chain for HTTPS; with <see cref="TlsKey"/>. Plain HTTP when unset.</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificate"/>.</summary>
    public string? TlsKey { get; set; }

    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>The node's HAProxy: state directory, VIP pool, mode and timeouts, as for <c>--provider haproxy</c>.</summary>
    public HAProxyProviderOptions HAProxy { get; set; } = new();

    /// <summary>Every problem, all at once; empty when the agent can start.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IPEndPoint.TryParse(Listen, out var endpoint) || endpoint.Port == 0)
        {
            errors.Add($"--listen '{Listen}' is not an IP endpoint with a port, such as 0.0.0.0:9470");
        }
        else if (BearerToken is null && BearerTokenFile is null && !IPAddress.IsLoopback(endpoint.Address))
        {
            errors.Add($"--listen {Listen} reaches beyond this machine: give a bearer token (--token-file, or DIRECTLB_AGENT_BearerToken)");
        }

        if (BearerToken is not null && BearerTokenFile is not null)
        {
            errors.Add("give the bearer token once: as DIRECTLB_AGENT_BearerToken or as --token-file, not both");
        }

        if (BearerTokenFile is not null && !File.Exists(BearerTokenFile))
        {
            errors.Add($"--token-file {BearerTokenFile} does not exist");
        }

        if ((TlsCertificate is null) != (TlsKey is null))
        {
            errors.Add("--tls-cert and --tls-key go together");
        }

        foreach (var (name, path) in new[] { ("--tls-cert", TlsCertificate), ("--tls-key", TlsKey) })
        {
            if (path is not null && !File.Exists(path))
            {
                errors.Add($"{name} {path} does not exist");
            }
        }

        if (LogFormat is not ("text" or "json"))
        {
            errors.Add($"--log-format '{LogFormat}' must be text or json");
        }

        errors.AddRange(HAProxy.Validate().Select(e => $"HAProxy: {e}"));
        return errors;
    }

    /// <summary>The token to require, read from its file when given there; null only for a loopback-only agent.</summary>
    public string? ResolveToken() =>
        BearerTokenFile is null ? BearerToken : File.ReadAllText(BearerTokenFile).Trim() is { Length: > 0 } token
            ? token
            : throw new InvalidOperationException($"--token-file {BearerTokenFile} is empty");
}
