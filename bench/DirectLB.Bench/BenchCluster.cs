using System.Text.Json.Nodes;
using DirectLB.Host;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Selectors;
using DirectLB.KubeApiServer.Store;
using DirectLB.Providers;
using DirectLB.Providers.Simulated;
using Microsoft.AspNetCore.Builder;
using DirectLB.Tests.Shared.Replicas;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DirectLB.Bench;

/// <summary>
/// One API test server and one simulated cloud, and DirectLB's real host composed from command-line arguments as
/// in production (SQLite journal in a temp directory, loopback only); only the provider instance is handed in.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("directlb-bench-").FullName;
    private WebApplication? _host;

    private BenchCluster(KubeApiServer.KubeApiServer api, BenchOptions options, TimeSpan healthyAfter, PostgresServer? postgres)
    {
        Api = api;
        Postgres = postgres;
        Options = options;
        Fleet = new Fleet(api.Store);
        // A /16 on loopback: the default /24 runs out past 254 load balancers, and nothing listens there anyway.
        Provider = new ConfirmingProvider(new SimulatedProvider(new SimulatedProviderOptions { AddressPool = "127.128.0.0/16", HealthyAfter = healthyAfter }));
        Kubeconfig = api.WriteKubeconfig(Path.Combine(_workDir, "kubeconfig"));
    }

    public string Kubeconfig { get; }

    /// <summary>The host's journal when <see cref="BenchOptions.Postgres"/>; null for SQLite in the temp directory.</summary>
    public PostgresServer? Postgres { get; }

    private string JournalPath => Path.Combine(_workDir, "journal.db");

    public KubeApiServer.KubeApiServer Api { get; }

    public BenchOptions Options { get; }

    public Fleet Fleet { get; }

    public ConfirmingProvider Provider { get; }

    public SimulatedProvider Cloud => Provider.Cloud;

    /// <summary>Where the host's HTTP endpoints listen (metrics at /metrics).</summary>
    public Uri HostAddress => new(_host?.Urls.First() ?? throw new InvalidOperationException("the host is not started"));

    /// <param name="healthyAfter">How long the simulated cloud reports a new target <c>initial</c> before <c>healthy</c>.</param>
    public static async Task<BenchCluster> CreateAsync(BenchOptions options, TimeSpan healthyAfter = default) =>
        new(await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions
        {
            // Large enough that a watcher resuming after a slow moment is never sent back to relist.
            Store = new ObjectStore(new ObjectStoreOptions { HistoryCapacity = 1_000_000 }),
        }), options, healthyAfter, options.Postgres ? await PostgresServer.StartAsync() : null);

    /// <summary>The arguments the host is started with: also printed in the report.</summary>
    public string[] HostArguments() =>
    [
        "--kubeconfig", Kubeconfig,
        .. Postgres is { } postgres
            ? new[] { "--journal", postgres.ConnectionString, "--journal-provider", "postgresql" }
            : ["--journal", $"Data Source={JournalPath}"],
        "--listen", "http://127.0.0.1:0",
        $"--DirectLB:Reconcile:Debounce={Options.Debounce:c}",
        "--Serilog:MinimumLevel:Default=Warning",
    ];

    /// <summary>
    /// Starts the host on <see cref="Provider"/>, or on <paramref name="provider"/> when given (a wrapper around it,
    /// such as the <see cref="RateLimitedProvider"/> that <c>--provider-rate-limit</c> puts in front of the cloud).
    /// </summary>
    public async Task StartHostAsync(ILoadBalancerProvider? provider = null, params string[] extraArguments)
    {
        var builder = DirectLbHost.CreateBuilder([.. HostArguments(), .. extraArguments]);
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoadBalancerProvider>(provider ?? Provider));
        _host = DirectLbHost.Build(builder);
        await _host.StartAsync();
    }

    /// <summary>Stops the host as SIGTERM would; the journal and the cloud stay, so a restart recovers in sync.</summary>
    public async Task StopHostAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    /// <summary>Rows in the host's journal and snapshot store: every event and snapshot it has persisted.</summary>
    public long JournalRows() => CountJournalRows(Postgres is { } postgres
        ? new NpgsqlConnection(postgres.ConnectionString)
        : new SqliteConnection($"Data Source={JournalPath};Mode=ReadOnly;Pooling=False"));

    /// <summary>Rows in the journal and snapshot store that <paramref name="connection"/> (not yet open) reaches; disposes it.</summary>
    public static long CountJournalRows(System.Data.Common.DbConnection connection)
    {
        using (connection)
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT COUNT(*) FROM journal) + (SELECT COUNT(*) FROM snapshot)";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The host's /readyz: joined, every watcher synced, the journal answers.</summary>
    public async Task<bool> IsReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync(new Uri(HostAddress, "/readyz"));
        return response.IsSuccessStatusCode;
    }

    /// <summary>Load balancers in the cloud with exactly <paramref name="targets"/> targets.</summary>
    public int LoadBalancersWithTargets(int targets) => Cloud.CountWithTargets(targets);

    /// <summary>Polls until every Service has a load balancer with its targets and its ingress set, or the deadline passes.</summary>
    public async Task<bool> WaitConvergedAsync(int services, int targets, TimeSpan timeout, TimeSpan poll)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            // The cloud check is the cheaper one; the store is listed only once the cloud is complete.
            if (LoadBalancersWithTargets(targets) >= services && Fleet.ServicesWithIngress() >= services)
            {
                return true;
            }

            await Task.Delay(poll);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        await Api.DisposeAsync();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp directory is cleaned by the OS.
        }
    }
}
