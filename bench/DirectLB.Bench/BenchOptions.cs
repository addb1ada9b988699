using System.Globalization;

namespace DirectLB.Bench;

/// <summary>What to run and at what size, from the command line.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string> Commands { get; init; } = ["all"];

    public bool Smoke { get; init; }

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

    /// <summary>Runs per measurement; the report gives the median.</summary>
    public int Repeat { get; init; } = 3;

    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Where docs/benchmarks.md and docs/latency.png go; null writes no report.</summary>
    public string? DocsDir { get; init; } = "docs";

    public bool Runs(string command) => Commands.Contains("all") || Commands.Contains(command);

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
                "--services" => options with { Services = Int(Next()) },
                "--endpoints" => options with { Endpoints = Int(Next()) },
                "--rates" => options with { Rates = Next().Split(',').Select(Int).ToList() },
                "--latency-services" => options with { LatencyServices = Int(Next()) },
                "--latency-seconds" => options with { LatencyDuration = TimeSpan.FromSeconds(Int(Next())) },
                "--rate-limit-services" => options with { RateLimitServices = Int(Next()) },
                "--failover-services" => options with { FailoverServices = Int(Next()) },
                "--stable-after" => options with { StableAfter = TimeSpan.FromSeconds(Int(Next())) },
                "--repeat" => options with { Repeat = Int(Next()) },
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
                Repeat = 1,
                // CI must not overwrite the published figures, but the report and plot writers still run.
                DocsDir = Path.Combine(Path.GetTempPath(), "directlb-bench-smoke"),
            }
            : options;
    }

    private static readonly string[] Known = ["scale", "latency", "calls", "failover", "journal", "all"];

    private static BenchOptions Add(List<string> commands, string command, BenchOptions options)
    {
        commands.Add(command);
        return options;
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
