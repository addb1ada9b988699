using System.Diagnostics;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Store;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench;

/// <summary>
/// One failover, each moment measured from the SIGKILL: a survivor marks the victim unreachable, the split brain
/// resolver downs it, the leader removes it, the shard coordinator and the member-cluster watchers start again on the
/// new oldest replica (after the singletons' removal margin), the first and the last of its Services are reconciled on
/// a survivor. Null where it was not seen.
/// </summary>
public sealed record FailoverRun(
    int Services,
    int Endpoints,
    int VictimServices,
    double ConvergedSeconds,
    TimeSpan? Unreachable,
    TimeSpan? Downed,
    TimeSpan? Removed,
    TimeSpan? CoordinatorMoved,
    TimeSpan? WatchersMoved,
    TimeSpan? FirstReconciled,
    TimeSpan? LastReconciled,
    IReadOnlyList<string> Problems)
{
    /// <summary>The replica SIGTERMed after the failover (the one holding the singletons then), its Services, and how long the last of them took to reconcile from the SIGTERM.</summary>
    public (string? Replica, int Services, TimeSpan? LastReconciled) Terminated { get; init; }

    public TimeSpan? Detection => Unreachable;

    public TimeSpan? Decision => Downed - Unreachable;

    public TimeSpan? Handover => FirstReconciled - Downed;

    public TimeSpan? Recovery => LastReconciled - FirstReconciled;
}

/// <summary>
/// Failover: three real replicas (<c>dotnet directlb.dll</c>) on a private PostgreSQL journal, the API test server and
/// the simulated cloud over HTTP, N Services converged. Then the oldest replica is SIGKILLed and one pod of each of
/// its Services replaced at once, so those changes can only reach the cloud through a new owner. The oldest, because
/// it also holds the shard coordinator and the watchers' singleton: every hand-over there is happens.
/// </summary>
public static class FailoverBenchmark
{
    public static async Task<FailoverRun> RunAsync(BenchOptions options)
    {
        var settings = FailoverSettings.For(options);
        var services = options.FailoverServices;
        var problems = new List<string>();
        await using var environment = await ReplicaEnvironment.StartAsync(
            // A history large enough that no watcher is sent back to relist while the fleet is written.
            new KubeApiServerOptions { Store = new ObjectStore(new ObjectStoreOptions { HistoryCapacity = 1_000_000 }) },
            new SimulatedProviderOptions { AddressPool = "127.128.0.0/16" },
            ReplicaArguments(options, settings));
        var replicas = await environment.StartClusterAsync(3, TimeSpan.FromSeconds(120));
        var fleet = new Fleet(environment.Api.Store);

        var creating = Stopwatch.GetTimestamp();
        for (var i = 0; i < services; i++)
        {
            fleet.Create(i, options.Endpoints);
        }

        await WithinAsync(
            () => environment.Cloud.CountWithTargets(options.Endpoints) == services,
            $"all {services} Services have their load balancer",
            TimeSpan.FromSeconds(Math.Max(120, services * 0.03)),
            replicas,
            problems);
        var convergedSeconds = Stopwatch.GetElapsedTime(creating).TotalSeconds;
        var victim = replicas[0];
        if (problems.Count > 0)
        {
            return new FailoverRun(services, options.Endpoints, 0, convergedSeconds, null, null, null, null, null, null, null, problems);
        }

        // At smoke size the oldest replica may own no Service: the cluster's phases are measured all the same, and
        // there is no reconcile to time. At full size it owns about a third of them.
        var owned = (await victim.OwnedServicesAsync()).Select(s => IndexOf(s.Key)).ToList();
        if (owned.Count == 0 && !options.Smoke)
        {
            problems.Add($"{victim.Name} owned no Service before the kill");
        }

        var killedAt = DateTimeOffset.UtcNow;
        var killed = Stopwatch.GetTimestamp();
        victim.Kill();
        var newPods = owned.ToDictionary(i => i, fleet.ReplaceOldestPod);

        var reconciled = await ReconciledAsync(environment, fleet, newPods, killed, $"all {newPods.Count} Services of {victim.Name} reconcile on a survivor",
            (3 * settings.StableAfter) + TimeSpan.FromSeconds(Math.Max(120, services * 0.03)), replicas.Skip(1), problems);

        // The singletons' start is the last phase the logs show: once it is there, so is every earlier one.
        await WithinAsync(
            () => new[] { CoordinatorStarted, WatchersStarted }.All(started => ReplicaLog.FirstLine(replicas.Skip(1).Select(r => r.ReadLog()), killedAt, started) is not null),
            "a survivor logs the shard coordinator's and the watchers' start",
            (3 * settings.StableAfter) + TimeSpan.FromSeconds(60),
            replicas.Skip(1),
            problems);
        var survivorLogs = replicas.Skip(1).Select(r => r.ReadLog()).ToList();
        var victimAddress = Replica.SeedAddress(victim.AkkaPort);
        TimeSpan? Logged(string what, params string[] fragments)
        {
            var at = ReplicaLog.FirstLine(survivorLogs, killedAt, fragments);
            if (at is null)
            {
                problems.Add($"no survivor logged {what} ({string.Join(" + ", fragments)})");
            }

            return at - killedAt;
        }

        // A survivor downs the victim at once when its cluster port refuses connections (DeadReplicaProbe); then that is
        // both the detection and the decision, and the failure detector's mark and the SBR's decision may never come.
        var refused = ReplicaLog.FirstLine(survivorLogs, killedAt, [.. RefusedDowning, victimAddress]) - killedAt;
        TimeSpan? Earliest(TimeSpan? refusal, string what, params string[] fragments) =>
            refusal is { } r && (ReplicaLog.FirstLine(survivorLogs, killedAt, fragments) - killedAt ?? TimeSpan.MaxValue) >= r
                ? r
                : Logged(what, fragments);

        var run = new FailoverRun(
            services,
            options.Endpoints,
            owned.Count,
            convergedSeconds,
            Earliest(refused, "the victim unreachable", "Marking node(s) as UNREACHABLE", victimAddress),
            Earliest(refused, "the split brain resolver's decision", "SBR took decision", victimAddress),
            Logged("the victim's removal", "Leader is removing", victimAddress),
            Logged("the shard coordinator's start", CoordinatorStarted),
            Logged("the watchers' start", WatchersStarted),
            reconciled.Count > 0 ? reconciled.Values.Min() : null,
            reconciled.Count == newPods.Count && newPods.Count > 0 ? reconciled.Values.Max() : null,
            problems) { Terminated = await TerminateSingletonHolderAsync(environment, fleet, replicas.Skip(1).ToList(), killedAt, problems) };
        KeepLogs(options.KeepLogs, replicas, killedAt);
        Console.WriteLine(
            $"failover: {services} Services x {options.Endpoints} endpoints on 3 replicas (converged in {convergedSeconds:F1} s), SIGKILL {victim.Name} (oldest, {owned.Count} Services), stable-after {settings.StableAfter.TotalSeconds:F1} s, removal margin {settings.RemovalMargin.TotalSeconds:F1} s, heartbeat pause {settings.AcceptableHeartbeatPause.TotalSeconds:F1} s, {settings.Shards} shards{(refused is { } r ? $", downed on its refused port at +{S(r)}" : "")}: " +
            $"detection {S(run.Detection)}, SBR decision {S(run.Decision)}, shard handover {S(run.Handover)} (removed at +{S(run.Removed)}, coordinator moved at +{S(run.CoordinatorMoved)}, watchers at +{S(run.WatchersMoved)}), recovery {S(run.Recovery)}; " +
            $"all its Services reconciled {S(run.LastReconciled)} after the kill; then SIGTERM of {run.Terminated.Replica} (it holds the singletons; {run.Terminated.Services} Services): all reconciled {S(run.Terminated.LastReconciled)} after it");
        return run;
    }

    /// <summary>
    /// A graceful leave: SIGTERMs the survivor that holds the singletons (the shard coordinator and the watchers started
    /// there after the kill: the older survivor, which is not always the one started first) and replaces one pod of each
    /// of its Services at once; returns how long until the last of them holds its new pod.
    /// </summary>
    private static async Task<(string?, int, TimeSpan?)> TerminateSingletonHolderAsync(
        ReplicaEnvironment environment, Fleet fleet, IReadOnlyList<Replica> survivors, DateTimeOffset killedAt, List<string> problems)
    {
        var leaving = survivors.FirstOrDefault(r => ReplicaLog.FirstLine(r.ReadLog(), killedAt, WatchersStarted) is not null);
        if (problems.Count > 0 || leaving is null || leaving.HasExited)
        {
            return (leaving?.Name, 0, null);
        }

        var owned = (await leaving.OwnedServicesAsync()).Select(s => IndexOf(s.Key)).ToList();
        var terminated = Stopwatch.GetTimestamp();
        leaving.Terminate();
        var newPods = owned.ToDictionary(i => i, fleet.ReplaceOldestPod);
        var reconciled = await ReconciledAsync(environment, fleet, newPods, terminated, $"all {newPods.Count} Services of {leaving.Name} reconcile after its SIGTERM",
            TimeSpan.FromSeconds(120), survivors.Where(r => r != leaving), problems);
        return (leaving.Name, owned.Count, reconciled.Count == newPods.Count && newPods.Count > 0 ? reconciled.Values.Max() : null);
    }

    /// <summary>Polls the cloud until each Service serves its new pod; returns when each did, from <paramref name="since"/>.</summary>
    private static async Task<Dictionary<int, TimeSpan>> ReconciledAsync(
        ReplicaEnvironment environment, Fleet fleet, Dictionary<int, string> newPods, long since, string what, TimeSpan deadline, IEnumerable<Replica> running, List<string> problems)
    {
        var reconciled = new Dictionary<int, TimeSpan>();
        await WithinAsync(
            () =>
            {
                var after = Stopwatch.GetElapsedTime(since);
                var byName = environment.Cloud.LoadBalancers.ToDictionary(lb => lb.Name);
                foreach (var (index, address) in newPods.Where(p => !reconciled.ContainsKey(p.Key)))
                {
                    if (byName.TryGetValue($"{fleet.Namespace}-{Fleet.ServiceName(index)}", out var lb) && Serves(lb, address))
                    {
                        reconciled[index] = after;
                    }
                }

                return reconciled.Count == newPods.Count;
            },
            what,
            deadline,
            running,
            problems);
        return reconciled;
    }

    /// <summary>Copies each replica's log to <paramref name="directory"/> (a subfolder per run, named by the kill's time), since the environment deletes them.</summary>
    private static void KeepLogs(string? directory, IEnumerable<Replica> replicas, DateTimeOffset killedAt)
    {
        if (directory is null)
        {
            return;
        }

        var run = Directory.CreateDirectory(Path.Combine(directory, killedAt.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var replica in replicas)
        {
            File.WriteAllText(Path.Combine(run.FullName, $"{replica.Name}.log"), replica.ReadLog());
        }

        Console.WriteLine($"failover: replica logs kept in {run.FullName} (killed at {killedAt:O})");
    }

    private static readonly string[] RefusedDowning = ["connections to its cluster port", "downing it now"];

    private static readonly string[] CoordinatorStarted = ["Singleton manager started singleton actor", "servicesCoordinator"];

    private static readonly string[] WatchersStarted = ["Singleton manager started singleton actor", "member-clusters"];

    public static string S(TimeSpan? span) => span is { } s ? $"{s.TotalSeconds:F1} s" : "not seen";

    /// <summary>What every replica is started with besides its connections: JSON logs with Akka's cluster events, the bench's timings.</summary>
    public static string[] ReplicaArguments(BenchOptions options, FailoverSettings settings) =>
    [
        "--log-format", "json",
        "--Serilog:MinimumLevel:Override:Akka=Information",
        $"--DirectLB:Cluster:StableAfter={settings.StableAfter:c}",
        $"--DirectLB:Cluster:DownAllWhenUnstable={settings.DownAllWhenUnstable:c}",
        $"--DirectLB:Cluster:RemovalMargin={settings.RemovalMargin:c}",
        $"--DirectLB:Cluster:AcceptableHeartbeatPause={settings.AcceptableHeartbeatPause:c}",
        $"--DirectLB:Cluster:DownRefusedReplicas={settings.DownRefusedReplicas}",
        $"--DirectLB:Cluster:Shards={settings.Shards}",
        $"--DirectLB:Reconcile:Debounce={options.Debounce:c}",
    ];

    private static bool Serves(LoadBalancerInfo lb, string address) =>
        lb.Listeners.Any(l => l.Targets.Any(t => t.Key.Address == address && t.State == TargetState.Serving));

    /// <summary>The fleet index of a Service from its entity key (bench/svc-00042).</summary>
    private static int IndexOf(string key) => int.Parse(key[(key.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits for the condition; a timeout, or a replica that should be running and exited (e.g. downed by the split
    /// brain resolver), is a problem of the run. Such a replica's log tail goes to stderr, since its log is deleted.
    /// </summary>
    private static async Task WithinAsync(Func<bool> condition, string what, TimeSpan deadline, IEnumerable<Replica> running, List<string> problems)
    {
        try
        {
            await Eventually.Until(() => condition() || running.Any(r => r.HasExited), what, deadline);
        }
        catch (TimeoutException ex)
        {
            problems.Add(ex.Message);
        }

        foreach (var exited in running.Where(r => r.HasExited))
        {
            problems.Add($"{exited.Name} exited (code {exited.ExitCode}) while waiting until {what}");
            Console.Error.WriteLine(exited.Tail(30));
        }
    }
}
