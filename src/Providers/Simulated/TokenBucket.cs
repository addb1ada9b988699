namespace DirectLB.Providers.Simulated;

/// <summary>A token bucket: <c>ratePerSecond</c> tokens refill continuously up to <c>burst</c>.</summary>
internal sealed class TokenBucket(double ratePerSecond, int burst, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _lastRefill = clock.GetTimestamp();

    /// <summary>Takes a token, or returns how long until one is available.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + clock.GetElapsedTime(_lastRefill, now).TotalSeconds * ratePerSecond);
            _lastRefill = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond);
            return false;
        }
    }
}
