using System.Diagnostics;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Shared.Replicas;
using k8s;
using k8s.Models;
using Npgsql;

namespace DirectLB.Bench;

/// <summary>One cold start of the shipped host in its own process (<see cref="ProcessColdStart"/>).</summary>
/// <param name="HostCpuSeconds">The host process's CPU time (user and system) until it converged.</param>
/// <param name="HostPeakRss">The host process's own peak RSS (VmHWM) at convergence.</param>
public sealed record ProcessColdRun(int Services, int Endpoints, bool Converged, double Seconds, double HostCpuSeconds, long HostPeakRss, ScaleFloor Floor)
{
    public double FloorRatio => Seconds / Floor.Seconds;
}

/// <summary>
/// The cold start as a platform team meets it: the shipped host (<c>dotnet directlb.dll</c>) started as a fresh process
/// over a cluster of N Services × M endpoints, against an API server and a cloud that have been serving for a while.
/// Here they are this bench process's API test server and simulated cloud (over HTTP: <c>--provider http</c>), warmed
/// by a few seconds of lists, a watch and writes in another namespace before the host starts; the journal is a private
/// PostgreSQL. The clock runs from the host process's start until every load balancer has its targets and every
/// Service its ingress; the floor is measured as for <see cref="ScaleBenchmark"/>, afterwards, in this process.
/// Unlike <c>cold</c>, the host's process holds only the host: its JIT, collector and RSS are its own.
/// </summary>
public static class ProcessColdStart
{
    private const string WarmupNamespace = "warmup";

    /// <summary>How many runs <c>scale</c>, <c>coldstarts</c> and <c>cold-process</c> make: three, one at smoke size.</summary>
    public static int Runs(BenchOptions options) => options.Smoke ? 1 : 3;

    public static async Task<ProcessColdRun> RunAsync(BenchOptions options)
    {
        await using var environment = await ReplicaEnvironment.StartAsync(
            new KubeApiServerOptions { Store = new ObjectStore(new ObjectStoreOptions { HistoryCapacity = 1_000_000 }) },
            new SimulatedProviderOptions { AddressPool = "127.128.0.0/16" },
            ["--Serilog:MinimumLevel:Default=Warning", $"--DirectLB:Reconcile:Debounce={options.Debounce:c}"]);
        var member = environment.Members[0];
        var fleet = new Fleet(member.Store);
        for (var i = 0; i < options.Services; i++)
        {
            fleet.Create(i, options.Endpoints);
        }

        await WarmUpAsync(member, options);
        var timeout = TimeSpan.FromSeconds(Math.Max(60, options.Services * 0.018));
        var poll = TimeSpan.FromMilliseconds(options.Smoke ? 100 : 500);
        var resourceVersion = member.Store.ResourceVersion;
        var port = FreePort.Next();
        var started = Stopwatch.GetTimestamp();
        var host = environment.StartReplica("cold", port, [port]);
        var converged = false;
        while (Stopwatch.GetElapsedTime(started) < timeout && !host.HasExited)
        {
            if (environment.Cloud.CountWithTargets(options.Endpoints) >= options.Services && fleet.ServicesWithIngress() >= options.Services)
            {
                converged = true;
                break;
            }

            await Task.Delay(poll);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = Process.GetProcessById(host.ProcessId).TotalProcessorTime.TotalSeconds;
        var peak = ProcessMemory.PeakRss(host.ProcessId) ?? 0;
        var kubernetesWrites = member.Store.ResourceVersion - resourceVersion;
        // Stopped as Kubernetes stops a pod, so that its last journal writes are in the count; the environment disposes it.
        host.Terminate();
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await host.WaitForExitAsync(exit.Token);
        }

        var rows = BenchCluster.CountJournalRows(new NpgsqlConnection(environment.Postgres.ConnectionString));
        var floor = await ScaleFloor.MeasureAsync(options, member.Kubeconfig, fleet.Namespace, environment.Postgres.ConnectionString, rows, kubernetesWrites);
        var run = new ProcessColdRun(options.Services, options.Endpoints, converged, seconds, cpu, peak, floor);
        Console.WriteLine(
            $"cold-process: {options.Services} Services x {options.Endpoints} endpoints {(converged ? "converged" : "NOT converged")} in {seconds:F1} s; " +
            $"host process CPU {cpu:F1} s, peak RSS {Report.MiBTenths(peak)}; {floor}; converged / floor {run.FloorRatio:F2}" +
            (converged ? "" : $"\n{host.Tail()}"));
        return run;
    }

    /// <summary>
    /// What a server that has been serving has done: lists of the whole cluster, a watch with events on it, status
    /// patches and Events written, all in a namespace of its own but the lists.
    /// </summary>
    private static async Task WarmUpAsync(MemberCluster member, BenchOptions options)
    {
        const int services = 8;
        member.Store.EnsureNamespaces(WarmupNamespace);
        for (var i = 0; i < services; i++)
        {
            member.Store.Create(new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new V1ObjectMeta { Name = Fleet.ServiceName(i), NamespaceProperty = WarmupNamespace },
                // Load balancers of another class, so their status can carry the ingress the write rate patches, and DirectLB leaves them alone.
                Spec = new V1ServiceSpec
                {
                    Type = "LoadBalancer",
                    LoadBalancerClass = "example.com/warm-up",
                    AllocateLoadBalancerNodePorts = false,
                    Ports = [new V1ServicePort { Port = 80, Protocol = "TCP" }],
                },
            });
        }

        using var http = new HttpClient { BaseAddress = member.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", KubernetesClientConfiguration.BuildConfigFromConfigFile(member.Kubeconfig).AccessToken);
        using var watching = new CancellationTokenSource();
        var watch = WatchAsync(http, watching.Token);
        foreach (var path in new[] { "/api/v1/services", "/apis/discovery.k8s.io/v1/endpointslices" })
        {
            using var list = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            await list.Content.CopyToAsync(Stream.Null);
        }

        await ApiWriteRate.MeasureAsync(member.Kubeconfig, WarmupNamespace, services, options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3));
        await watching.CancelAsync();
        await watch;
    }

    private static async Task WatchAsync(HttpClient http, CancellationToken token)
    {
        try
        {
            using var response = await http.GetAsync($"/api/v1/namespaces/{WarmupNamespace}/services?watch=true", HttpCompletionOption.ResponseHeadersRead, token);
            await response.Content.CopyToAsync(Stream.Null, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The warm-up is over.
        }
    }
}
