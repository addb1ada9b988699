using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Shared.Replicas;
using k8s;
using k8s.Models;
using Xunit.Abstractions;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// No secret reaches a log, page, metric or Event. A real <c>directlb</c> process, once with text logs and once with
/// JSON logs at Debug, holds a kubeconfig bearer token, a member-cluster Secret's token, the HTTP provider's bearer
/// token and a journal password; it starts, reconciles, and goes through the error paths (provider failures and
/// outage, API server failures, a member cluster lost, the journal lost, a broken member Secret, an invalid
/// Service). None of the secrets may appear in its output, on any of its HTTP endpoints, or in anything it wrote
/// to the API servers.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SecretsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string[] Pages =
    [
        "/", "/?namespace=shop", "/healthz", "/readyz", "/metrics", "/api/clusters", "/api/replicas", "/api/services",
        "/api/services?namespace=shop", "/api/services/shop/web-text", "/api/services/shop/web-json", "/api/services/shop/bad-text", "/api/no-such-path",
    ];

    private SecretsWorld _world = null!;

    public async Task InitializeAsync() => _world = await SecretsWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task No_secret_from_the_configuration_reaches_a_log_a_page_a_metric_or_an_event()
    {
        var outputs = new Dictionary<string, string>();
        await RefusedStartAsync(outputs);
        await RunReplicaAsync("text", "Information", outputs);
        await RunReplicaAsync("json", "Debug", outputs);
        outputs["Events and writes in east"] = WrittenTo(_world.East);
        outputs["Events and writes in west"] = WrittenTo(_world.West);

        var leaks = _world.Secrets.SelectMany(secret => outputs.Where(o => o.Value.Contains(secret.Value, StringComparison.Ordinal)).Select(o => $"{secret.Key} in {o.Key}")).ToList();
        output.WriteLine($"searched {outputs.Count} outputs ({outputs.Values.Sum(o => o.Length):N0} characters) for {_world.Secrets.Count} secrets");
        Assert.True(leaks.Count == 0, "leaked: " + string.Join("; ", leaks));
    }

    /// <summary>A provider URL with a password in it is refused at start, and the refusal does not quote it.</summary>
    private async Task RefusedStartAsync(Dictionary<string, string> outputs)
    {
        foreach (var format in new[] { "text", "json" })
        {
            await using var replica = Replica.Start($"refused-{format}", FreePort.Next(), _world.ArgsWithCredentialsInProviderUrl(format), _world.Work);
            using var exit = new CancellationTokenSource(Deadline);
            await replica.WaitForExitAsync(exit.Token);
            var log = replica.ReadLog();
            Assert.True(replica.ExitCode == 2 && log.Contains("must not carry credentials", StringComparison.Ordinal), $"exit {replica.ExitCode}: {log}");
            outputs[$"refused {format} start, stdout and stderr"] = log;
        }
    }

    private async Task RunReplicaAsync(string format, string level, Dictionary<string, string> outputs)
    {
        var replica = Replica.Start($"replica-{format}", FreePort.Next(), _world.ReplicaArgs(format, level), _world.Work);
        try
        {
            await Eventually.Until(replica.IsReadyAsync, $"the {format} replica is ready", Deadline);
            await ReconcileThroughErrorsAsync(format, replica);
            foreach (var page in Pages)
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{replica.HttpPort}{page}");
                outputs[$"{format} run, GET {page}"] = $"{(int)response.StatusCode} {response.Headers} {response.Content.Headers}\n{await response.Content.ReadAsStringAsync()}";
            }

            replica.Terminate();
            using var exit = new CancellationTokenSource(Deadline);
            await replica.WaitForExitAsync(exit.Token);
            var log = replica.ReadLog();
            outputs[$"{format} run, stdout and stderr"] = log;
            AssertErrorPathsRan(format, log);
        }
        catch (Exception) when (Dump(replica))
        {
            throw;
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }

    /// <summary>Reconciles a Service in both clusters, then drives every error path that logs.</summary>
    private async Task ReconcileThroughErrorsAsync(string run, Replica replica)
    {
        var web = $"web-{run}";
        _world.East.Store.Create(LoadBalancerService(web));
        _world.East.Store.Create(Slice(web, $"{web}-east", Ready("10.244.1.5")));
        _world.West.Store.Create(LoadBalancerService(web));
        _world.West.Store.Create(Slice(web, $"{web}-west", Ready("10.245.1.5")));
        await TargetsAre(web, "10.244.1.5:8080", "10.245.1.5:8080");

        // The provider fails three times, then works.
        _world.Provider.Faults.FailNext(ProviderCallKind.ChangeTargets, 3);
        _world.East.Store.Replace(Slice(web, $"{web}-east", Ready("10.244.1.5"), Ready("10.244.1.6")));
        await TargetsAre(web, "10.244.1.5:8080", "10.244.1.6:8080", "10.245.1.5:8080");
        await EventIn(_world.East, web, ServiceEventReason.SyncLoadBalancerFailed);

        // The API server refuses writes and cuts its watches.
        _world.East.FailNext("PATCH", "/services/", 500, 2);
        _world.East.FailNext("POST", "/events", 500, 2);
        _world.East.FailNext("GET", "watch", 500, 2);
        _world.East.DropWatches();
        var api = $"api-{run}";
        _world.East.Store.Create(LoadBalancerService(api));
        _world.East.Store.Create(Slice(api, $"{api}-east", Ready("10.244.2.5")));
        await TargetsAre(api, "10.244.2.5:8080");

        // An invalid Service.
        var bad = LoadBalancerService($"bad-{run}", new Dictionary<string, string> { ["directlb.io/drain-delay"] = "99999999999h" });
        _world.East.Store.Create(bad);
        await EventIn(_world.East, bad.Metadata.Name, ServiceEventReason.InvalidConfiguration);

        // The member cluster is lost, then back.
        await _world.RestartWestAsync(() => EventIn(_world.East, web, ServiceEventReason.MemberClusterUnreachable));

        // The provider's API is gone (connection refused) while the Service changes, then back.
        await _world.RestartCloudAsync(async () =>
        {
            _world.East.Store.Replace(Slice(web, $"{web}-east", Ready("10.244.1.5")));
            await Eventually.Until(() => replica.ReadLog().Contains("Connection refused", StringComparison.Ordinal), "a provider call is refused", Deadline);
        });
        await TargetsAre(web, "10.244.1.5:8080", "10.245.1.5:8080");

        // The journal is gone while the Service changes, then back.
        await _world.Postgres.StopAsync();
        _world.East.Store.Replace(Slice(web, $"{web}-east", Ready("10.244.1.5"), Ready("10.244.1.7")));
        await Eventually.Until(() => replica.ReadLog().Contains("journal write failed", StringComparison.Ordinal), "a journal write fails", Deadline);
        await _world.Postgres.StartAgainAsync();
        await TargetsAre(web, "10.244.1.5:8080", "10.244.1.7:8080", "10.245.1.5:8080");
    }

    /// <summary>The log shows each error path ran, so no secret in it means something.</summary>
    private static void AssertErrorPathsRan(string format, string log)
    {
        foreach (var evidence in new[] { "injected failure", "journal write failed", "Connection refused", "unreachable", "cannot be read", "invalid configuration", "500" })
        {
            Assert.True(log.Contains(evidence, StringComparison.OrdinalIgnoreCase), $"the {format} log shows no '{evidence}'");
        }
    }

    private Task TargetsAre(string service, params string[] expected) =>
        Eventually.Assert(
            () => Assert.Equal(expected, _world.Provider.LoadBalancers.SingleOrDefault(lb => lb.Tags["directlb.io/service"] == $"{Namespace}/{service}")
                ?.Listeners.SelectMany(l => l.Targets).Select(t => t.Key.ToString()).Order().ToArray() ?? []),
            Deadline);

    private static Task EventIn(KubeApiServer.KubeApiServer cluster, string service, string reason) =>
        Eventually.Until(() => cluster.Store.CoreEventsFor(Namespace, service, "Service").Any(e => e.Reason == reason), $"{service} has a {reason} Event", Deadline);

    /// <summary>Every Event in the cluster, and every body DirectLB sent it (finalizers, status, Events).</summary>
    private static string WrittenTo(KubeApiServer.KubeApiServer cluster) =>
        string.Join('\n', cluster.Store.List<Corev1Event>().Select(e => KubernetesJson.Serialize(e)))
        + string.Join('\n', cluster.Requests.Where(r => r.Method != "GET").Select(r => $"{r.Method} {r.PathAndQuery} {r.Body}"));

    private bool Dump(Replica replica)
    {
        output.WriteLine(replica.Tail(200));
        return false;
    }
}
