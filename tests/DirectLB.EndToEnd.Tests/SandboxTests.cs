using System.Text.RegularExpressions;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Sandbox;
using DirectLB.Tests.Shared.Kubectl;

namespace DirectLB.EndToEnd.Tests;

/// <summary>The sandbox command, as a newcomer runs it: the whole loop, with real HAProxy carrying real requests.</summary>
[Trait("Category", "Sandbox")]
public class SandboxTests
{
    [Fact]
    public async Task The_sandbox_serves_its_pods_through_a_real_load_balancer_and_cleans_up()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"directlb-sandbox-test-{Environment.ProcessId}");
        using var done = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ready = new TaskCompletionSource<SandboxReady>();
        var sandbox = SandboxCommand.RunAsync(
            ["--sandbox-dir", dir, "--listen", "http://127.0.0.1:0", "--provider", "haproxy", "--vip-pool", "127.0.101.0/24", "--Serilog:MinimumLevel:Default=Warning"],
            done.Token,
            info => ready.TrySetResult(info));

        var started = await Task.WhenAny(ready.Task, sandbox);
        Assert.Same(ready.Task, started);
        var info = await ready.Task;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var answers = new List<string>();
        await Eventually.Until(async () =>
        {
            try
            {
                answers.Add(await http.GetStringAsync($"http://{info.WebAddress}:{SandboxPod.Port}/"));
            }
            catch (HttpRequestException)
            {
                return false; // HAProxy sends a new server traffic only once its health checks passed
            }

            return answers.Select(a => a.Split(' ')[2]).Distinct().Count() >= 3;
        }, "requests through web's load balancer reach its three pods");
        Assert.All(answers, a => Assert.StartsWith("hello from web-", a));
        Assert.Contains("sandbox/web", await http.GetStringAsync(info.StatusPage));

        var pid = int.Parse(File.ReadAllText(Path.Combine(dir, "haproxy", "haproxy.pid")).Trim());
        await done.CancelAsync();
        Assert.Equal(0, await sandbox);
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid)); // HAProxy stopped with the sandbox
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Kubectl_shows_the_sandbox_services_with_their_addresses_and_directlbs_events()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"directlb-sandbox-kubectl-{Environment.ProcessId}");
        using var done = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ready = new TaskCompletionSource<SandboxReady>();
        var sandbox = SandboxCommand.RunAsync(
            ["--sandbox-dir", dir, "--listen", "http://127.0.0.1:0", "--provider", "simulated", "--Serilog:MinimumLevel:Default=Warning"],
            done.Token,
            info => ready.TrySetResult(info));
        Assert.Same(ready.Task, await Task.WhenAny(ready.Task, sandbox));
        var web = (await ready.Task).WebAddress;
        using var kubectl = new Kubectl(Path.Combine(dir, "kubeconfig"));

        var wide = PrintedTable.Parse(await kubectl.RunAsync("get", "svc", "-o", "wide", "-n", "sandbox"));
        var both = PrintedTable.ParseAll(await kubectl.RunAsync("get", "svc,endpointslices", "-n", "sandbox"));
        var pods = PrintedTable.ParseAll(await kubectl.RunAsync("get", "po,ep", "-n", "sandbox"));
        string described = "";
        await Eventually.Until(
            async () => (described = await kubectl.RunAsync("describe", "svc", "web", "-n", "sandbox")).Contains("EnsuredLoadBalancer", StringComparison.Ordinal),
            "describe lists DirectLB's EnsuredLoadBalancer Event");

        Assert.Equal(web, wide.Row("web")["EXTERNAL-IP"]);
        Assert.Equal("LoadBalancer", wide.Row("web")["TYPE"]);
        Assert.Equal("app=web", wide.Row("web")["SELECTOR"]);
        Assert.Equal(web, both[0].Row("service/web")["EXTERNAL-IP"]);
        Assert.Equal("IPv4", both[1].Row("endpointslice.discovery.k8s.io/web-slice")["ADDRESSTYPE"]);
        // web has three pods, or more once the workload's first step (10 s in) has scaled it.
        Assert.InRange(pods[0].Rows.Count(r => r["NAME"].StartsWith("pod/web-", StringComparison.Ordinal) && r["STATUS"] == "Running" && r["READY"] == "1/1"), 3, 5);
        Assert.Matches(@"^(127\.0\.70\.\d+:8080,?){3}( \+ \d more\.\.\.)?$", pods[1].Row("endpoints/web")["ENDPOINTS"]);
        Assert.Matches($@"LoadBalancer Ingress:\s+{Regex.Escape(web)}", described);
        Assert.Matches($@"Normal\s+EnsuredLoadBalancer\s+\S+\s+directlb\s+Ensured load balancer at {Regex.Escape(web)}", described);

        await done.CancelAsync();
        Assert.Equal(0, await sandbox);
        Directory.Delete(dir, recursive: true);
    }
}
