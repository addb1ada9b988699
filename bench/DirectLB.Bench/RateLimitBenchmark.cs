using System.Diagnostics;
using DirectLB.Providers;

namespace DirectLB.Bench;

/// <summary>How long N Services' changes took under a provider rate limit, next to the bound the limit sets.</summary>
public sealed record RateLimitRun(
    bool ClientSideLimit,
    int Services,
    double RatePerSecond,
    int Burst,
    bool Converged,
    double Seconds,
    long Calls,
    long Throttled)
{
    /// <summary>The fastest any client could go: one target change per Service, the burst free, the rest at the rate.</summary>
    public double BoundSeconds => Math.Max(0, Services - Burst) / RatePerSecond;

    public double Ratio => Seconds / BoundSeconds;
}

/// <summary>
/// N Services converged at full speed; then the cloud's rate limit drops to 10 calls/s and one pod of every Service
/// is replaced at once. Converged means the cloud confirmed every new pod. With the client-side limit, the host is
/// restarted (on the same journal, so it recovers in sync and only reads each load balancer back once, through the
/// limit, before the cloud's limit is set) behind the <see cref="RateLimitedProvider"/>
/// that <c>--provider-rate-limit 10</c> puts in front of the cloud; without it, the entities meet the cloud's 429s.
/// Read-backs are an hour apart here, so the quota goes to the changes the bound counts; what periodic read-backs cost
/// is the read-back run's subject.
/// </summary>
public static class RateLimitBenchmark
{
    private const double Rate = 10;
    private const int Burst = 10;

    /// <summary>No periodic read-back during the run: only each entity's read-back after the restart, before the limit is set.</summary>
    private static readonly string[] HostArguments = ["--read-back-interval", TimeSpan.FromHours(1).ToString("c")];

    public static async Task<RateLimitRun> RunAsync(BenchOptions options, bool clientSideLimit)
    {
        var services = options.RateLimitServices;
        await using var cluster = await BenchCluster.CreateAsync(options);
        for (var i = 0; i < services; i++)
        {
            cluster.Fleet.Create(i, options.Endpoints);
        }

        await cluster.StartHostAsync(null, HostArguments);
        if (!await cluster.WaitConvergedAsync(services, options.Endpoints, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(200)))
        {
            throw new InvalidOperationException("the rate-limit fleet did not converge");
        }

        await using var limited = clientSideLimit ? new RateLimitedProvider(cluster.Provider, Rate, Burst) : null;
        if (limited is not null)
        {
            await cluster.StopHostAsync();
            await cluster.StartHostAsync(limited, HostArguments);
            // Restarted entities recover in sync and read their load balancer back, through the limiter (one read each);
            // the watcher resends every Service once it has listed.
            await WaitReadBacksAsync(cluster, services, TimeSpan.FromSeconds((services / Rate) + 60));
        }

        await Task.Delay(options.Debounce * 5);
        cluster.Cloud.LimitRate(Rate, Burst);
        var callsBefore = cluster.Cloud.TotalCalls;
        var throttledBefore = cluster.Cloud.ThrottledCalls;
        var started = Stopwatch.GetTimestamp();
        var added = Enumerable.Range(0, services).Select(cluster.Fleet.ReplaceOldestPod).ToList();

        var bound = Math.Max(0, services - Burst) / Rate;
        // Without the client-side limit the fleet converges at about 3 x the bound (2.97 x on 2026-12-01 02:25), so its
        // deadline leaves room above that: at 3 x it timed out at the edge of its own usual time (05:01 the same day).
        var deadline = TimeSpan.FromSeconds(Math.Max(30, bound * (clientSideLimit ? 3 : 6)));
        var converged = false;
        while (Stopwatch.GetElapsedTime(started) < deadline && !(converged = added.All(a => cluster.Provider.TryGetConfirmed(a, out _))))
        {
            await Task.Delay(100);
        }

        var seconds = converged
            ? Stopwatch.GetElapsedTime(started, added.Max(a => cluster.Provider.TryGetConfirmed(a, out var at) ? at : 0)).TotalSeconds
            : Stopwatch.GetElapsedTime(started).TotalSeconds;
        var run = new RateLimitRun(
            clientSideLimit,
            services, Rate, Burst, converged, seconds,
            cluster.Cloud.TotalCalls - callsBefore,
            cluster.Cloud.ThrottledCalls - throttledBefore);
        Console.WriteLine(
            $"rate limit {Rate}/s burst {Burst}, {(clientSideLimit ? "client-side limit" : "no client-side limit")}: {services} Services {(converged ? "converged" : "NOT converged")} in {seconds:F1} s " +
            $"(bound {run.BoundSeconds:F1} s, ratio {run.Ratio:F2}); {run.Calls} calls of which {run.Throttled} throttled");
        return run;
    }

    /// <summary>
    /// Waits until the restarted host has made a call for each Service (its read-backs) and then none for a second (it
    /// changes nothing). Quiet alone is not enough: a host that is ready before its watcher has listed makes no call in
    /// its first second, and its read-backs then fell into the measured changes (2026-11-30: 2,001 calls, ratio 2.02).
    /// </summary>
    private static async Task WaitReadBacksAsync(BenchCluster cluster, int services, TimeSpan within)
    {
        var before = cluster.Cloud.TotalCalls;
        if (!await Settle.UntilQuietAsync(() => cluster.Cloud.TotalCalls, TimeSpan.FromSeconds(1), within, async calls => calls - before >= services && await cluster.IsReadyAsync()))
        {
            throw new InvalidOperationException($"the restarted host did not settle within {within.TotalSeconds:F0} s");
        }
    }
}
