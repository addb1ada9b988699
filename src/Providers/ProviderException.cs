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
