using DirectLB.Actors.Entity;
using DirectLB.Bench;
using DirectLB.Bench.Soak;
using DirectLB.Tests.Shared.Replicas;

if (!HostRuntime.AppliesToThisProcess)
{
    return await SelfProcess.RunAgainWithHostRuntimeAsync(args);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"directlb-bench: {ex.Message}");
    return 2;
}

if (options.Runs("failover") || options.Commands.Contains("overlap") || options.Runs("soak") || options.Runs("scale") || options.Commands.Contains("coldstarts") || options.Commands.Contains("cold-process"))
{
    // Before any run, not after the others have taken their time: these runs need PostgreSQL's binaries.
    try
    {
        PostgresServer.BinDirectory();
    }
    catch (InvalidOperationException ex)
    {
        Console.Error.WriteLine($"directlb-bench: failover, soak and the cold starts on PostgreSQL: {ex.Message}");
        return 2;
    }
}

if (options.Runs("soak"))
{
    return await SoakReport.RunAndWriteAsync(options, args);
}

var results = new BenchResults();
var started = DateTime.UtcNow;
for (var i = 0; i < options.Repeat; i++)
{
    // `cold` is the cold start alone, once per process: a fresh process per run, as issue 17 judges it.
    if (options.Commands.Contains("cold") && i == 0)
    {
        results.Scale.Add(await ScaleBenchmark.RunAsync(options, createWhileRunning: false, hold: true));
    }

    // Each cold start in its own fresh process, on both journals: once, as the five runs are themselves the repeats.
    if ((options.Runs("scale") || options.Commands.Contains("coldstarts")) && i == 0)
    {
        await Step("the cold starts on SQLite", async () => results.ColdStarts.AddRange(await ColdStarts.RunAsync(options, postgres: false)));
        await Step("the cold starts on PostgreSQL", async () => results.ColdStarts.AddRange(await ColdStarts.RunAsync(options, postgres: true)));
    }

    if (options.Runs("scale"))
    {
        await Step("scale", async () => results.Scale.Add(await ScaleBenchmark.RunAsync(options, createWhileRunning: false, hold: i == 0)));
        // The live variant once: it shows the same pipeline under a write burst, not a second headline figure.
        if (i == 0)
        {
            await Step("scale (created while running)", async () => results.Scale.Add(await ScaleBenchmark.RunAsync(options, createWhileRunning: true)));
        }
    }

    if (options.Runs("latency"))
    {
        // Each repetition in a fresh process (a child, unless this is one): the heap of the runs before it in this
        // process (a gigabyte after the cold starts) made the bench's own watch, and so the floor, lag by seconds.
        await Step("latency", async () => results.Latency.Add(options.ResultsFile is null
            ? await ChildRun.RunAsync<List<LatencyPoint>>(LatencyBenchmark.ChildArguments(options), $"latency {i + 1}/{options.Repeat}", echo: "latency")
            : await LatencyBenchmark.RunAsync(options)));
    }

    // `rolling` is the rolling update alone (calls per debounce window), without calls' minutes of rate-limited runs.
    if (options.Runs("calls") || options.Commands.Contains("rolling"))
    {
        await Step("the rolling update", async () => results.RollingUpdates.Add(await RollingUpdateBenchmark.RunAsync(options)));
        // The rate-limited runs are bounded below by ~100 s at full size: once each is what the time allows.
        if (i == 0 && options.Runs("calls"))
        {
            await Step("the rate limit with the client-side limit", async () => results.RateLimits.Add(await RateLimitBenchmark.RunAsync(options, clientSideLimit: true)));
            await Step("the rate limit without it", async () => results.RateLimits.Add(await RateLimitBenchmark.RunAsync(options, clientSideLimit: false)));
        }
    }

    // The journal's ceiling under each setting tried: once, it explains the other figures rather than being one.
    if (options.Runs("journal") && i == 0)
    {
        foreach (var settings in options.Smoke ? JournalBenchmark.Variants.Take(1) : JournalBenchmark.Variants)
        {
            await Step($"the journal ({settings})", async () => results.Journal.Add(await JournalBenchmark.RunAsync(settings, options.Smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(15))));
        }
    }

    if (options.Runs("readback"))
    {
        // A minute (a whole interval fits in the window, at five times the default's rate), the default five minutes
        // (a fifth of an interval in the window), and an hour (no read-back in the window: the latency without them).
        foreach (var interval in new[] { TimeSpan.FromMinutes(1), new ReconcileOptions().ReadBackInterval, TimeSpan.FromHours(1) })
        {
            await Step($"the read-back at {interval:c}", async () => results.ReadBacks.Add(await ReadBackBenchmark.RunAsync(options, interval)));
        }
    }

    if (options.Runs("gates"))
    {
        await Step("the gated rollout", async () => results.GateRollouts.Add(await GateRolloutBenchmark.RunAsync(options, gated: true)));
        await Step("the ungated rollout", async () => results.GateRollouts.Add(await GateRolloutBenchmark.RunAsync(options, gated: false)));
    }

    if (options.Runs("failover"))
    {
        await Step("the failover", async () => results.Failovers.Add(await FailoverBenchmark.RunAsync(options)));
    }

    // The overlap a short removal margin allows, with and without the journal's fence: once, as it is a yes or no.
    if ((options.Runs("failover") || options.Commands.Contains("overlap")) && i == 0)
    {
        await Step("the overlap", async () => results.Overlaps.AddRange(await OverlapBenchmark.RunAsync(options)));
    }
}

// The shipped host in its own process: its own RSS, which the in-process runs can only estimate. Last, as what it
// leaves in this process (an API test server and a cloud of 10,000 Services each run) would weigh on the runs after it.
if (options.Runs("scale") || options.Commands.Contains("coldstarts") || options.Commands.Contains("cold-process"))
{
    for (var run = 0; run < ProcessColdStart.Runs(options); run++)
    {
        await Step("the cold start of the host in its own process", async () => results.ProcessColdStarts.Add(await ProcessColdStart.RunAsync(options)));
    }
}

Console.WriteLine($"done in {(DateTime.UtcNow - started).TotalSeconds:F0} s");

// A run that throws is a failure of the bench, and the report says so; the runs after it still run (an hour of `all`
// is not lost to one of its parts).
async Task Step(string what, Func<Task> run)
{
    try
    {
        await run();
    }
    catch (Exception ex)
    {
        Console.Error.WriteLine($"directlb-bench: {what} failed: {ex}");
        results.Errors.Add($"{what} failed: {ex.GetType().Name}: {ex.Message}");
    }
}

if (options.ResultsFile is { } resultsFile)
{
    // A child run (ChildRun): its parent reads the run and writes the report.
    await (options.Commands.Contains("cold")
        ? ChildRun.WriteAsync(resultsFile, results.Scale.Single())
        : ChildRun.WriteAsync(resultsFile, results.Latency.Single()));
}
else if (options.DocsDir is { } docs)
{
    Directory.CreateDirectory(docs);
    var markdown = Report.Render(options, args, results, MachineInfo.Collect());
    if (ReportArchive.Keep(Path.Combine(docs, "benchmarks.md")) is { } kept)
    {
        Console.WriteLine($"kept the report it replaces as {kept}");
    }

    await File.WriteAllTextAsync(Path.Combine(docs, "benchmarks.md"), markdown);
    var latency = results.LatencyMedians();
    if (latency.Count > 0)
    {
        await File.WriteAllBytesAsync(Path.Combine(docs, "latency.png"), LatencyPlot.Render(latency, options.Debounce));
    }

    Console.WriteLine($"wrote {Path.Combine(docs, "benchmarks.md")}");
}

var failures = results.Failures();
foreach (var failure in failures)
{
    Console.Error.WriteLine($"FAILED: {failure}");
}

return failures.Count == 0 ? 0 : 1;
