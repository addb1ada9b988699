namespace DirectLB.Providers.Simulated;

/// <summary>
/// Random faults of a flaky cloud API, each call drawn independently from a seeded generator: a share of calls
/// fails (retryable, nothing applied), a share is throttled (with a Retry-After), a share answers slowly. For soak
/// runs and chaos tests; the defaults inject nothing.
/// </summary>
public sealed record ProviderChaos
{
    /// <summary>Share of calls (0 to 1) that fail with a retryable error before anything is applied.</summary>
    public double FailureRate { get; init; }

    /// <summary>Share of calls throttled, as past a rate limit, with <see cref="ThrottleRetryAfter"/> as the hint.</summary>
    public double ThrottleRate { get; init; }

    public TimeSpan ThrottleRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Share of calls that take <see cref="SlowLatency"/> more before they answer (and then succeed).</summary>
    public double SlowRate { get; init; }

    public TimeSpan SlowLatency { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Seeds the draws, so a run's faults can be drawn again.</summary>
    public int Seed { get; init; }

    public bool InjectsAnything => FailureRate > 0 || ThrottleRate > 0 || SlowRate > 0;

    /// <summary>Throws unless every rate is a share between 0 and 1 and together they leave room for success.</summary>
    public ProviderChaos Validated()
    {
        foreach (var (name, rate) in new[] { ("failure", FailureRate), ("throttle", ThrottleRate), ("slow", SlowRate) })
        {
            if (rate is < 0 or > 1 || double.IsNaN(rate))
            {
                throw new ArgumentOutOfRangeException(name + " rate", rate, $"the {name} rate is a share of calls, from 0 to 1");
            }
        }

        return FailureRate + ThrottleRate + SlowRate <= 1
            ? this
            : throw new ArgumentException("the failure, throttle and slow rates add up to more than every call");
    }
}

/// <summary>What the chaos drew for one call.</summary>
public enum ChaosDraw
{
    None,
    Fail,
    Throttle,
    Slow,
}

/// <summary>Draws each call's fate from <see cref="ProviderChaos"/> and counts what it injected.</summary>
internal sealed class ChaosDice
{
    private readonly Lock _gate = new();
    private readonly ProviderChaos _chaos;
    private readonly Random _random;

    public ChaosDice(ProviderChaos chaos)
    {
        _chaos = chaos.Validated();
        _random = new Random(chaos.Seed);
    }

    /// <summary>Draws the call's fate, counts it, and throws or waits as drawn.</summary>
    public async Task RollAsync(ProviderCallKind kind, TimeProvider clock, Action<ChaosDraw> count, CancellationToken cancellationToken)
    {
        var draw = Draw();
        if (draw == ChaosDraw.None)
        {
            return;
        }

        count(draw);
        switch (draw)
        {
            case ChaosDraw.Fail:
                throw new ProviderException($"injected random failure of {kind}");
            case ChaosDraw.Throttle:
                throw new ProviderThrottledException($"injected random throttling of {kind}", _chaos.ThrottleRetryAfter);
            default:
                await Task.Delay(_chaos.SlowLatency, clock, cancellationToken);
                break;
        }
    }

    private ChaosDraw Draw()
    {
        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
        }

        return roll < _chaos.FailureRate ? ChaosDraw.Fail
            : roll < _chaos.FailureRate + _chaos.ThrottleRate ? ChaosDraw.Throttle
            : roll < _chaos.FailureRate + _chaos.ThrottleRate + _chaos.SlowRate ? ChaosDraw.Slow
            : ChaosDraw.None;
    }
}
