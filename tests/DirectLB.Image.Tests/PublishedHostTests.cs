using System.Diagnostics;
using System.Text.RegularExpressions;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Image.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Tests.Shared.Replicas;
using k8s.Models;

namespace DirectLB.Image.Tests;

/// <summary>The publish output the image is built from: it starts, answers, and says nothing alarming when healthy.</summary>
[Trait("Category", "Image")]
public partial class PublishedHostTests(PublishedHost published) : IClassFixture<PublishedHost>
{
    [Fact]
    public async Task The_published_host_prints_the_release_of_the_build_and_of_the_chart()
    {
        var printed = await RunToEndAsync(published.Dll, "--version");

        var release = Release.Version;
        Assert.Matches($@"^directlb {Regex.Escape(release)}(\+[0-9a-f]{{7,40}})? \(\.NET 10\.\d+\.\d+\)\n$", printed);
        Assert.Equal(release, Release.ChartAppVersion);
    }

    [Fact]
    public async Task A_healthy_single_replica_starts_serves_and_stops_without_a_warning_line()
    {
        await using var api = await KubeApiServer.KubeApiServer.StartAsync();
        api.Store.Create(KubeObjects.LoadBalancerService("web"));
        api.Store.Create(KubeObjects.Slice("web", "web-1", KubeObjects.Ready("10.0.0.1"), KubeObjects.Ready("10.0.0.2")));
        var work = Directory.CreateTempSubdirectory("directlb-quiet-").FullName;
        try
        {
            await using var replica = Replica.Start(
                "directlb",
                FreePort.Next(),
                ["--kubeconfig", api.WriteKubeconfig(Path.Combine(work, "kubeconfig")), "--journal", $"Data Source={Path.Combine(work, "directlb.db")}"],
                work,
                published.Dll);

            await Eventually.Until(replica.IsReadyAsync, "the replica is ready", TimeSpan.FromSeconds(90));
            await Eventually.Until(
                () => api.Store.Get<V1Service>(KubeObjects.Namespace, "web")?.Status?.LoadBalancer?.Ingress?.Count > 0,
                "web has its load balancer's address",
                TimeSpan.FromSeconds(60));
            replica.Terminate();
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await replica.WaitForExitAsync(stopped.Token);

            Assert.Equal(0, replica.ExitCode);
            var log = replica.ReadLog();
            Assert.Contains("ensured at", log);
            var warnings = WarningLine().Matches(log).Select(m => m.Value).ToList();
            Assert.True(warnings.Count == 0, "warning lines in a healthy start and stop:\n" + string.Join('\n', warnings));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Serilog's text format ("[12:00:00 WRN] ..."), Akka's own console logger ("[WARNING][...]"), and the
    // Microsoft console logger ("warn: ...") should anything bypass Serilog.
    [GeneratedRegex(@"^.*(\b(WRN|ERR|FTL)\]|\[(WARNING|ERROR)\]|^(warn|fail|crit): ).*$", RegexOptions.Multiline)]
    private static partial Regex WarningLine();

    private static async Task<string> RunToEndAsync(string dll, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
