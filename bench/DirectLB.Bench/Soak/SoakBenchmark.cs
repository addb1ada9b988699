using System.Diagnostics;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Store;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench.Soak;

/// <summary>What a soak ran and what its books said at the end.</summary>
public sealed record SoakRun(
    BenchOptions Options,
    ProviderChaos Chaos,
    IReadOnlyList<string> FaultsRan,
    SoakBooks Books,
    TimeSpan Quiet,
    (double SlopePerHour, double MeanMiB, double RiseMiB)? Rss,
    bool RssFlat,
    string LongestLivedReplica,
    IReadOnlyList<string> SelfExits,
    string Workload,
    string ProviderFaults,
    IReadOnlyList<string> Problems)
{
    /// <summary>The one line the soak prints.</summary>
    public string Line =>
        $"soak: {Options.SoakDuration.TotalMinutes:F0} min, seed {Options.Seed}, {Options.SoakServices} Services in 2 member clusters, 3 replicas; " +
        $"{FaultsRan.Count(f => !f.Contains("skipped", StringComparison.Ordinal))} faults ({Count("SIGKILL ")} SIGKILLs, {Count("watches cut")} watch cuts, {Count("API server of")} API server restarts, " +
        $"{Count("unreachable")} cluster unreachable, {Count("PostgreSQL")} PostgreSQL restart, {Count("out of band")} out-of-band changes) " +
        $"and {ProviderFaults}; quiet after {Quiet.TotalSeconds:F0} s: {Books}, self-exits {SelfExits.Count}, " +
        (Rss is { } rss ? $"replica RSS slope {rss.SlopePerHour:+0.0;-0.0} MiB/h on {rss.MeanMiB:F0} MiB ({(RssFlat ? "flat" : "NOT flat")})" : "replica RSS not measured");

    private int Count(string fragment) => FaultsRan.Count(f => f.Contains(fragment, StringComparison.Ordinal) && !f.Contains("skipped", StringComparison.Ordinal));
}

/// <summary>
/// The chaos soak: three real replicas on PostgreSQL, two member clusters, the HTTP provider against the simulated
/// cloud; Services churning while the schedule's faults and the cloud's random ones run; then quiet, and the books.
/// </summary>
public static class SoakBenchmark
{
    public static async Task<SoakRun> RunAsync(BenchOptions options)
    {
        var problems = new List<string>();
        var chaos = new ProviderChaos
        {
            FailureRate = 0.05, ThrottleRate = 0.02, ThrottleRetryAfter = TimeSpan.FromSeconds(1),
            SlowRate = 0.02, SlowLatency = TimeSpan.FromSeconds(3), Seed = options.Seed,
        };
        var readBack = options.Smoke ? TimeSpan.FromSeconds(20) : TimeSpan.FromMinutes(1);
        await using var environment = await ReplicaEnvironment.StartAsync(
            [("east", ApiOptions()), ("west", ApiOptions())],
            new SimulatedProviderOptions { AddressPool = "127.128.0.0/16" },
            [
                .. FailoverBenchmark.ReplicaArguments(options, FailoverSettings.For(options)),
                "--read-back-interval", readBack.ToString("c"),
                "--installation-id", "soak", "--orphans", "delete",
                "--DirectLB:Orphans:Interval=00:00:30", "--DirectLB:Orphans:GracePeriod=00:01:00",
                "--DirectLB:Reconcile:MaxBackoff=00:01:00",
            ]);
        var replicas = new SoakReplicas(environment, await environment.StartClusterAsync(3, TimeSpan.FromSeconds(120)));
        var rss = new RssTrend();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(replicas, rss, sampling.Token);

        var workload = new SoakWorkload(environment.Members, options.Seed);
        workload.CreateInitial(options.SoakServices);
        var (initial, initialTime) = await QuietAsync(environment, replicas, workload, TimeSpan.FromSeconds(Math.Max(180, options.SoakServices * 0.2)), withJournal: false);
        Console.WriteLine($"soak: {options.SoakServices} Services converged in {initialTime.TotalSeconds:F0} s ({initial})");
        if (!initial.Balanced)
        {
            problems.Add($"the Services did not converge before the faults began: {initial}; e.g. {string.Join("; ", initial.Examples)}");
        }


        var schedule = SoakSchedule.Draw(options.Seed, options.SoakDuration);
        Console.WriteLine($"soak: {schedule.Count} faults scheduled over {options.SoakDuration.TotalMinutes:F0} min, seed {options.Seed}; the cloud fails {chaos.FailureRate:P0} of calls, throttles {chaos.ThrottleRate:P0}, slows {chaos.SlowRate:P0}");
        environment.Cloud.InjectChaos(chaos);
        var runner = new SoakChaos(environment, replicas);
        using (var churning = new CancellationTokenSource(options.SoakDuration))
        {
            var churn = workload.RunAsync(churning.Token);
            await runner.RunAsync(schedule);
            await churn;
        }

        environment.Cloud.InjectChaos(null);
        foreach (var member in environment.Members)
        {
            await member.StartAgainAsync();
        }

        var (books, quiet) = await QuietAsync(environment, replicas, workload, options.Smoke ? TimeSpan.FromMinutes(4) : TimeSpan.FromMinutes(10), withJournal: true);
        await sampling.CancelAsync();
        await sampler;
        if (!books.Balanced)
        {
            problems.Add($"the books do not balance: {books}; e.g. {string.Join("; ", books.Examples)}");
        }

        if (!rss.IsFlat())
        {
            problems.Add(rss.Fit() is { } fit ? $"replica RSS rose {fit.RiseMiB:F0} MiB over the run, more than a tenth of its mean {fit.MeanMiB:F0} MiB" : "no warm RSS sample");
        }

        var cloud = environment.Cloud;
        return new SoakRun(
            options,
            chaos,
            runner.Ran,
            books,
            quiet,
            rss.Fit(),
            rss.IsFlat(),
            rss.LongestLived(),
            replicas.SelfExits,
            $"{options.SoakServices} Services at the start, then {workload.PodChanges} pod changes, {workload.Deleted} Services deleted and {workload.Created - options.SoakServices} created",
            $"{cloud.TotalCalls} provider calls, of which {cloud.ChaosInjected(ChaosDraw.Fail)} failed, {cloud.ChaosInjected(ChaosDraw.Throttle)} throttled and {cloud.ChaosInjected(ChaosDraw.Slow)} slow at random",
            problems);
    }

    private static KubeApiServerOptions ApiOptions() =>
        // A history large enough that no watcher is sent back to relist by the churn alone.
        new() { Store = new ObjectStore(new ObjectStoreOptions { HistoryCapacity = 1_000_000 }) };

    /// <summary>Waits until the books balance (the journal read last, once the rest does) or the deadline passes.</summary>
    private static async Task<(SoakBooks Books, TimeSpan After)> QuietAsync(
        ReplicaEnvironment environment, SoakReplicas replicas, SoakWorkload workload, TimeSpan deadline, bool withJournal)
    {
        var waiting = Stopwatch.StartNew();
        SoakBooks books;
        while (true)
        {
            books = await SoakBooks.ReadAsync(environment, replicas, workload.Namespace, withJournal: false);
            if ((books with { UnsettledIntents = 0 }).Balanced)
            {
                if (!withJournal)
                {
                    return (books with { UnsettledIntents = 0 }, waiting.Elapsed);
                }

                books = await SoakBooks.ReadAsync(environment, replicas, workload.Namespace, withJournal: true);
                if (books.Balanced)
                {
                    return (books, waiting.Elapsed);
                }
            }

            if (waiting.Elapsed > deadline)
            {
                return (withJournal ? await SoakBooks.ReadAsync(environment, replicas, workload.Namespace, withJournal: true) : books, waiting.Elapsed);
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    private static async Task SampleAsync(SoakReplicas replicas, RssTrend rss, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                replicas.ReviveSelfExited();
                rss.Sample(replicas.Current);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }
}
