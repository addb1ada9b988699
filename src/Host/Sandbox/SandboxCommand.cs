using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;

namespace DirectLB.Host.Sandbox;

/// <summary>
/// <c>directlb sandbox</c>: the whole loop on one machine with no cluster at hand. A sandbox Kubernetes API server
/// (not a real cluster: an in-process server with real list/watch semantics), a scripted workload whose pods are
/// small HTTP servers on 127.0.70.x, and DirectLB itself with HAProxy when installed (else the simulated provider).
/// </summary>
public static class SandboxCommand
{
    public const string Name = "sandbox";
    private const string DirSwitch = "--sandbox-dir";
    private const string ApiPortSwitch = "--sandbox-api-port";

    /// <summary>Runs until Ctrl-C or <paramref name="cancellationToken"/>; <paramref name="ready"/> hears when web has its address.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default, Action<SandboxReady>? ready = null)
    {
        var dir = Take(ref args, DirSwitch) ?? Path.Combine(Path.GetTempPath(), "directlb-sandbox");
        var apiPort = int.Parse(Take(ref args, ApiPortSwitch) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (Directory.Exists(dir))
        {
            StopLeftoverHAProxy(dir);
            Directory.Delete(dir, recursive: true); // every sandbox run starts from nothing
        }

        Directory.CreateDirectory(dir);
        // The sandbox's pods live on loopback addresses, which a real API server would refuse in an EndpointSlice.
        await using var cluster = await KubeApiServer.KubeApiServer.StartAsync(
            new KubeApiServerOptions { Port = apiPort, Store = new ObjectStore(new ObjectStoreOptions { LoopbackEndpoints = true }) }, cancellationToken);
        var kubeconfig = cluster.WriteKubeconfig(Path.Combine(dir, "kubeconfig"), "directlb-sandbox");
        var provider = args.Contains("--provider") ? null : (HAProxyInstalled() ? "haproxy" : "simulated");
        string[] hostArgs =
        [
            "--kubeconfig", kubeconfig,
            "--cluster-id", "sandbox",
            "--journal", $"Data Source={Path.Combine(dir, "journal.db")}",
            "--haproxy-state", Path.Combine(dir, "haproxy"),
            "--DirectLB:HAProxy:StopOnDispose=true",
            "--DirectLB:Reconcile:ResyncInterval=00:01:00",
            .. provider is null ? [] : new[] { "--provider", provider },
            .. args.Contains("--listen") ? [] : new[] { "--listen", "http://127.0.0.1:8080" },
            .. args,
        ];
        var app = DirectLbHost.Build(DirectLbHost.CreateBuilder(hostArgs));
        await app.StartAsync(cancellationToken);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("sandbox");
        await using (var workload = new SandboxWorkload(cluster.Store, log))
        {
            await workload.CreateAsync();
            var statusPage = app.Urls.First();
            var chosen = provider ?? "as given";
            Console.WriteLine($"""

                DirectLB sandbox: a simulated Kubernetes cluster on this machine (no real cluster is touched)
                  sandbox cluster API  {cluster.BaseAddress}   kubectl --kubeconfig {kubeconfig} get svc,endpointslices -n {SandboxWorkload.Namespace}
                  status page          {statusPage}
                  provider             {chosen}{(provider == "simulated" ? " (install haproxy for a load balancer that carries traffic)" : "")}
                  workload             Services web (3 pods) and api (2 pods) in namespace {SandboxWorkload.Namespace}; web scales 3 -> 5 -> 3 and both roll, one step every {SandboxWorkload.StepInterval.TotalSeconds:0} s

                """);
            var address = await WaitForAddressAsync(cluster, "web", stopping.Token);
            Console.WriteLine(provider == "simulated"
                ? $"  web has its address {address} (simulated: nothing listens there)"
                : $"  try:  curl http://{address}:{SandboxPod.Port}/     (Ctrl-C stops the sandbox)");
            ready?.Invoke(new SandboxReady(new Uri(statusPage), address, provider ?? "as given"));
            try
            {
                await workload.RunAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C, or the caller is done.
            }
        }

        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return 0;
    }

    private static async Task<string> WaitForAddressAsync(KubeApiServer.KubeApiServer cluster, string service, CancellationToken cancellationToken)
    {
        while (true)
        {
            var ingress = cluster.Store.Get<V1Service>(SandboxWorkload.Namespace, service)?.Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip;
            if (ingress is not null)
            {
                return ingress;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>A sandbox killed hard (SIGKILL) leaves its HAProxy running on the VIPs; the next sandbox stops it first.</summary>
    private static void StopLeftoverHAProxy(string dir)
    {
        var pidFile = Path.Combine(dir, "haproxy", "haproxy.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            if (process.ProcessName == "haproxy")
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (ArgumentException)
        {
            // Not running any more.
        }
    }

    private static bool HAProxyInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(p => File.Exists(Path.Combine(p, "haproxy")));

    /// <summary>Removes a sandbox-only switch and its value from the arguments passed on to the host.</summary>
    private static string? Take(ref string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0 || at + 1 >= args.Length)
        {
            return null;
        }

        var value = args[at + 1];
        args = [.. args[..at], .. args[(at + 2)..]];
        return value;
    }
}

/// <summary>What a running sandbox offers: the status page, and web's load balancer address.</summary>
public sealed record SandboxReady(Uri StatusPage, string WebAddress, string Provider);
