namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// An error body (<c>application/problem+json</c>, RFC 9457) with one extension: <see cref="Retryable"/>,
/// whether the same request may succeed later.
/// </summary>
public sealed record ProblemDto(string Type, string Title, int Status, string? Detail, bool Retryable)
{
    public const string MediaType = "application/problem+json";
}

/// <summary>The <see cref="ProblemDto.Type"/> values the contract defines.</summary>
public static class ProblemTypes
{
    private const string Base = "https://directlb.io/problems/";

    public const string InvalidRequest = Base + "invalid-request";
    public const string Unauthorized = Base + "unauthorized";
    public const string LoadBalancerNotFound = Base + "load-balancer-not-found";
    public const string LoadBalancerNotOwned = Base + "load-balancer-not-owned";
    public const string IdempotencyKeyInUse = Base + "idempotency-key-in-use";
    public const string IdempotencyKeyReused = Base + "idempotency-key-reused";
    public const string Refused = Base + "refused";
    public const string AddressUnavailable = Base + "address-unavailable";
    public const string Throttled = Base + "throttled";
    public const string ProviderError = Base + "provider-error";
}
