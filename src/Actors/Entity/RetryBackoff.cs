namespace DirectLB.Actors.Entity;

/// <summary>Capped exponential backoff with ±20 % jitter, so failing entities do not retry in lockstep.</summary>
public static class RetryBackoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, TimeSpan? atLeast, Random random)
    {
        var exponent = Math.Min(Math.Max(failures - 1, 0), 30);
        var raw = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = raw * (0.8 + (random.NextDouble() * 0.4));
        var delay = TimeSpan.FromMilliseconds(Math.Min(jittered, max.TotalMilliseconds));
        return atLeast is { } floor && floor > delay ? floor : delay;
    }
}
