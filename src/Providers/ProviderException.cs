using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>A provider call failed. <see cref="Retryable"/> tells the caller whether backing off can help.</summary>
public class ProviderException(string message, bool retryable = true, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}

/// <summary>The provider refused the call because of its rate limit.</summary>
public sealed class ProviderThrottledException(string message, TimeSpan? retryAfter)
    : ProviderException(message, retryable: true)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The load balancer the call names does not exist (deleted behind our back).</summary>
public sealed class LoadBalancerNotFoundException(string loadBalancerId)
    : ProviderException($"load balancer {loadBalancerId} does not exist", retryable: true);

/// <summary>
/// The load balancer the call names exists but its tags name another owner (its id was reused, or it was never
/// ours): nothing was done to it. The caller treats its own load balancer as gone and reads back by owner.
/// </summary>
public sealed class LoadBalancerNotOwnedException(LoadBalancerRef expected, string why)
    : ProviderException($"load balancer {expected.Id} is not owned by {expected.Owner}: {why}", retryable: true)
{
    public LoadBalancerRef Expected { get; } = expected;

    /// <summary>The refusal for a load balancer whose tags are known: says what they name instead (never the UID).</summary>
    public static LoadBalancerNotOwnedException Carrying(LoadBalancerRef expected, IReadOnlyDictionary<string, string> actualTags) =>
        new(expected, "it carries " + (actualTags.Count == 0
            ? "no tags"
            : string.Join(", ", actualTags.Where(t => t.Key != LoadBalancerOwner.ServiceUidTag)
                .OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => $"{t.Key}={t.Value}"))));
}

/// <summary>
/// The address asked for cannot be given: it is outside the provider's pool, or another load balancer has it. Not
/// retryable as such (asking again gives the same answer until that other load balancer goes); nothing was changed.
/// </summary>
public sealed class AddressUnavailableException(string message) : ProviderException(message, retryable: false);
