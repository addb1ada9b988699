using DirectLB.Providers.Model;

namespace DirectLB.Providers.Simulated;

/// <summary>
/// How the simulated cloud takes a call: counted by kind, then its latency, its rate limit, random faults and any queued
/// fault, each changeable while running.
/// </summary>
public sealed partial class SimulatedProvider
{
    public FaultInjector Faults { get; } = new();

    public long CallCount(ProviderCallKind kind) => _calls.GetValueOrDefault(kind);

    public long TotalCalls => _calls.Values.Sum();

    public long ThrottledCalls => Interlocked.Read(ref _throttled);

    /// <summary>
    /// Changes the rate limit while running (0: none), as a cloud account's quota can change. Benchmarks use it to
    /// build many load balancers fast, then measure how a rate limit paces the changes that follow.
    /// </summary>
    public void LimitRate(double perSecond, int burst)
    {
        Volatile.Write(ref _ratePerSecond, perSecond);
        Volatile.Write(ref _rateLimit, perSecond > 0 ? new TokenBucket(perSecond, burst, _clock) : null);
    }

    /// <summary>
    /// Turns random faults on, changes them or (null, or nothing to inject) turns them off while running, as a cloud
    /// API has good and bad hours. Soak runs use it to stop the faults before they check the books.
    /// </summary>
    public void InjectChaos(ProviderChaos? chaos) =>
        Volatile.Write(ref _chaos, chaos?.Validated() is { InjectsAnything: true } valid ? new ChaosDice(valid) : null);

    /// <summary>How many calls the random faults failed, throttled or slowed so far.</summary>
    public long ChaosInjected(ChaosDraw draw) => _chaosInjected.GetValueOrDefault(draw);

    /// <summary>Counts the call, waits the latency, then applies the rate limit, the random faults and any queued fault.</summary>
    private async Task EnterAsync(ProviderCallKind kind, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(kind, 1, (_, count) => count + 1);
        if (_options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(_options.Latency, _clock, cancellationToken);
        }

        if (Volatile.Read(ref _rateLimit) is { } rateLimit && !rateLimit.TryTake(out var retryAfter))
        {
            Interlocked.Increment(ref _throttled);
            throw new ProviderThrottledException($"rate limit of {Volatile.Read(ref _ratePerSecond)}/s exceeded", retryAfter);
        }

        if (Volatile.Read(ref _chaos) is { } chaos)
        {
            await chaos.RollAsync(kind, _clock, CountChaos, cancellationToken);
        }

        Faults.ThrowIfQueued(kind);
    }

    private void CountChaos(ChaosDraw draw)
    {
        _chaosInjected.AddOrUpdate(draw, 1, (_, count) => count + 1);
        if (draw == ChaosDraw.Throttle)
        {
            Interlocked.Increment(ref _throttled);
        }
    }
}
