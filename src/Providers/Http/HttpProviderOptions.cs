namespace DirectLB.Providers.Http;

/// <summary>Where the load balancer API of <see cref="HttpProvider"/> lives and how to talk to it.</summary>
public sealed record HttpProviderOptions
{
    /// <summary>
    /// The API root, e.g. <c>https://lb.example.com/</c> or <c>https://platform.example.com/lb/</c>; the contract's
    /// paths (<c>v1/...</c>) are resolved under it, so a path prefix is kept.
    /// </summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>How long one HTTP request may take, response body included, before it fails as retryable.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sent as <c>Authorization: Bearer ...</c> on every request when set.</summary>
    public string? BearerToken { get; init; }

    /// <summary>
    /// A PEM file of the certificate authorities an <c>https</c> server's certificate must chain to (e.g. the private CA
    /// that signed the lb-agents' certificates), instead of the system's. The host name must still match.
    /// </summary>
    public string? CaCertificateFile { get; init; }
}
