using System.Globalization;

namespace DirectLB.Bench;

/// <summary>What to run and at what size, from the command line.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string> Commands { get; init; } = ["all"];

    public bool Smoke { get; init; }

    /// <summary>Whether the in-process host journals to a private PostgreSQL (as several replicas do) instead of SQLite.</summary>
    public bool Postgres { get; init; }

    public int Services { get; init; } = 10_000;

    public int Endpoints { get; init; } = 10;

    /// <summary>Endpoint changes per second in the latency runs.</summary>
    public IReadOnlyList<int> Rates { get; init; } = [100, 1_000, 5_000];

    /// <summary>Services the latency and rate-limit runs spread their changes over.</summary>
    public int LatencyServices { get; init; } = 1_000;

    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(10);

    public int RateLimitServices { get; init; } = 1_000;

    /// <summary>Services the failover run spreads over its three replicas.</summary>
    public int FailoverServices { get; init; } = 1_000;

    /// <summary>The split brain resolver's stable-after in the failover run; null is the host's production default.</summary>
    public TimeSpan? StableAfter { get; init; }

    /// <summary>How long reachability may keep changing before every replica downs itself, in the failover run; null is the host's production default.</summary>
    public TimeSpan? DownAllWhenUnstable { get; init; }

    /// <summary>The singletons' and shards' removal margin in the failover run; null is the host's production default.</summary>
    public TimeSpan? RemovalMargin { get; init; }

    /// <summary>The failure detector's acceptable heartbeat pause in the failover run; null is the host's production default.</summary>
    public TimeSpan? HeartbeatPause { get; init; }

    /// <summary>Whether the failover run's replicas down a replica whose port refuses connections at once; null is the host's production default.</summary>
    public bool? DownRefusedReplicas { get; init; }

    /// <summary>The failover replicas' <c>DirectLB:Cluster:Shards</c>; null for the host's default.</summary>
    public int? Shards { get; init; }

    /// <summary>Where the failover run copies each replica's log when it ends (to read its timeline); null keeps none.</summary>
    public string? KeepLogs { get; init; }

    /// <summary>How long the chaos soak's faults run before it waits for quiet and checks the books.</summary>
    public TimeSpan SoakDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Services the chaos soak keeps in its two member clusters (some in one, some in both).</summary>
    public int SoakServices { get; init; } = 1_000;

    /// <summary>Draws the soak's fault schedule, workload and provider faults: the same seed, the same run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Runs per measurement; the report gives the median.</summary>
    public int Repeat { get; init; } = 3;

    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the first cold scale run keeps the converged host alive after measuring, for a heap dump.</summary>
    public TimeSpan Hold { get; init; }

    /// <summary>Cold starts per journal, each in a fresh process, that <c>scale</c> (and so <c>all</c>) and <c>coldstarts</c> run.</summary>
    public int ColdRuns { get; init; } = 5;

    /// <summary>
    /// Where a <c>cold</c> run writes its result as JSON instead of a report: set by <see cref="ColdStarts"/> for the
    /// child processes it starts.
    /// </summary>
    public string? ResultsFile { get; init; }

    /// <summary>Where docs/benchmarks.md and docs/latency.png go; null writes no report.</summary>
    public string? DocsDir { get; init; } = "docs";

    /// <summary>Whether the command runs; the soak, which takes half an hour, runs only when named.</summary>
    public bool Runs(string command) => Commands.Contains(command) || (Commands.Contains("all") && command != "soak");

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        var commands = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--smoke" => options with { Smoke = true },
                "--postgres" => options with { Postgres = true },
                "--services" => options with { Services = Int(Next()) },
                "--endpoints" => options with { Endpoints = Int(Next()) },
                "--rates" => options with { Rates = Next().Split(',').Select(Int).ToList() },
                "--latency-services" => options with { LatencyServices = Int(Next()) },
                "--latency-seconds" => options with { LatencyDuration = TimeSpan.FromSeconds(Int(Next())) },
                "--rate-limit-services" => options with { RateLimitServices = Int(Next()) },
                "--failover-services" => options with { FailoverServices = Int(Next()) },
                "--minutes" => options with { SoakDuration = TimeSpan.FromMinutes(Double(Next())) },
                "--soak-services" => options with { SoakServices = Int(Next()) },
                "--seed" => options with { Seed = Int(Next()) },
                "--stable-after" => options with { StableAfter = TimeSpan.FromSeconds(Double(Next())) },
                "--down-all-when-unstable" => options with { DownAllWhenUnstable = TimeSpan.FromSeconds(Double(Next())) },
                "--removal-margin" => options with { RemovalMargin = TimeSpan.FromSeconds(Double(Next())) },
                "--heartbeat-pause" => options with { HeartbeatPause = TimeSpan.FromSeconds(Double(Next())) },
                "--down-refused" => options with { DownRefusedReplicas = bool.Parse(Next()) },
                "--shards" => options with { Shards = Int(Next()) },
                "--keep-logs" => options with { KeepLogs = Next() },
                "--repeat" => options with { Repeat = Int(Next()) },
                "--cold-runs" => options with { ColdRuns = Int(Next()) },
                "--results" => options with { ResultsFile = Next() },
                "--hold" => options with { Hold = TimeSpan.FromSeconds(Int(Next())) },
                "--docs" => options with { DocsDir = Next() },
                "--no-report" => options with { DocsDir = null },
                var command when !command.StartsWith('-') && Known.Contains(command) => Add(commands, command, options),
                var other => throw new ArgumentException($"unknown argument {other}; commands: {string.Join(", ", Known)}"),
            };
        }

        if (commands.Count > 0)
        {
            options = options with { Commands = commands };
        }

        if (commands.Contains("soak") && commands.Count > 1)
        {
            throw new ArgumentException("soak runs alone: it has its own report (docs/reliability.md), not docs/benchmarks.md");
        }

        // Smoke sizes keep every command under a minute in CI; explicit sizes given after --smoke are not kept.
        return options.Smoke
            ? options with
            {
                Services = 200,
                Endpoints = 5,
                Rates = [50, 200],
                LatencyServices = 50,
                LatencyDuration = TimeSpan.FromSeconds(2),
                RateLimitServices = 20,
                FailoverServices = 30,
                SoakDuration = TimeSpan.FromMinutes(3),
                SoakServices = 60,
                Repeat = 1,
                ColdRuns = 1,
                // CI must not overwrite the published figures, but the report and plot writers still run.
                DocsDir = Path.Combine(Path.GetTempPath(), "directlb-bench-smoke"),
            }
            : options;
    }

    private static readonly string[] Known = ["scale", "cold", "cold-process", "coldstarts", "latency", "calls", "rolling", "failover", "overlap", "journal", "soak", "gates", "readback", "all"];

    private static BenchOptions Add(List<string> commands, string command, BenchOptions options)
    {
        commands.Add(command);
        return options;
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Double(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
