using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;

namespace DirectLB.Providers.Http.Server;

/// <summary>How a <see cref="ContractServer"/> listens and what it serves beside the contract.</summary>
public record ContractServerOptions
{
    /// <summary>An IP endpoint, <c>address:port</c> (<c>[::1]:port</c> for IPv6); port 0 picks a free one.</summary>
    public string Listen { get; init; } = "127.0.0.1:0";

    /// <summary>When set, every contract request (<c>/v1/...</c>) must carry <c>Authorization: Bearer {token}</c>.</summary>
    public string? BearerToken { get; init; }

    /// <summary>When set, the server speaks HTTPS with this certificate (with its private key); plain HTTP otherwise.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>How long a response is kept for replay under its idempotency key.</summary>
    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many keys are kept; the oldest go first.</summary>
    public int IdempotencyKeyCapacity { get; init; } = 10_000;

    /// <summary>
    /// Adds what the host serves beside the contract (health, metrics), outside the contract's bearer token and
    /// idempotency keys. Runs before the contract's own middleware and routes.
    /// </summary>
    public Action<WebApplication>? Compose { get; init; }
}
