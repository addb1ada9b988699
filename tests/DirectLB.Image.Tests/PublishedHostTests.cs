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
[Collection(PublishedHost.Collection)]
public partial class PublishedHostTests(PublishedHost published)
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
    public async Task A_single_replica_started_as_the_image_starts_it_serves_and_stops_without_a_warning_line()
    {
        await using var api = await KubeApiServer.KubeApiServer.StartAsync();
        api.Store.EnsureNamespaces(KubeObjects.Namespace);
        api.Store.Create(KubeObjects.LoadBalancerService("web"));
        api.Store.Create(KubeObjects.Slice("web", "web-1", KubeObjects.Ready("10.0.0.1"), KubeObjects.Ready("10.0.0.2")));
        var work = Directory.CreateTempSubdirectory("directlb-image-run-").FullName;
        // The image's user reads the kubeconfig from here, as from a mounted Secret.
        File.SetUnixFileMode(work, PublishedHost.ReadableByAll);
        var state = Directory.CreateDirectory(Path.Combine(work, "var-lib-directlb")).FullName;
        try
        {
            var image = new ImageRun(Dockerfile.Read(RepositoryRoot.File("Dockerfile")).Default, published, state);
            var appBefore = Listing(published.App);
            await using var replica = Replica.Start(
                "directlb",
                FreePort.Next(),
                ["--kubeconfig", api.WriteKubeconfig(Path.Combine(work, "kubeconfig"))],
                work,
                image.Dll,
                image.Apply);

            try
            {
                await Eventually.Until(replica.IsReadyAsync, "the replica is ready", TimeSpan.FromSeconds(90));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}\n{replica.Tail()}", e);
            }

            await Eventually.Until(
                () => api.Store.Get<V1Service>(KubeObjects.Namespace, "web")?.Status?.LoadBalancer?.Ingress?.Count > 0,
                "web has its load balancer's address",
                TimeSpan.FromSeconds(60));
            await Eventually.Until(() => replica.ReadLog().Contains("ensured at"), "the replica logs the load balancer ensured", TimeSpan.FromSeconds(30));
            replica.Terminate();
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await replica.WaitForExitAsync(stopped.Token);

            Assert.Equal(0, replica.ExitCode);
            var log = replica.ReadLog();
            var warnings = WarningLine().Matches(log).Select(m => m.Value).ToList();
            Assert.True(warnings.Count == 0, "warning lines in a healthy start and stop:\n" + string.Join('\n', warnings));
            // The default journal went to the working directory (the image's state volume), nothing to /app.
            Assert.True(File.Exists(Path.Combine(state, "directlb.db")), "no directlb.db in the working directory");
            if (ImageRun.RunsAsRoot)
            {
                Assert.Equal(image.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), await OwnerAsync(Path.Combine(state, "directlb.db")));
            }
            Assert.Equal(appBefore, Listing(published.App));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The uid of a file's owner: the user the host ran as, when it created the file.</summary>
    private static async Task<string> OwnerAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        var owner = await stat.StandardOutput.ReadToEndAsync();
        await stat.WaitForExitAsync();
        return owner.Trim();
    }

    private static List<string> Listing(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

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
