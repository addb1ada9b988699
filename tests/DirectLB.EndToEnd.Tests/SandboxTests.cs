using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Sandbox;

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
            answers.Add(await http.GetStringAsync($"http://{info.WebAddress}:{SandboxPod.Port}/"));
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
}
