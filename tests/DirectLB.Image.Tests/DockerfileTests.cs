using System.Text.RegularExpressions;
using DirectLB.Image.Tests.Support;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Image.Tests;

/// <summary>
/// The Dockerfile against what it packages: the publish output, the .NET version built for, and the Helm chart that
/// deploys the image. (No container daemon or registry here: the image itself is not built by the tests.)
/// </summary>
[Trait("Category", "Image")]
[Collection(PublishedHost.Collection)]
public partial class DockerfileTests(PublishedHost published)
{
    private static readonly Dockerfile File_ = Dockerfile.Read(RepositoryRoot.File("Dockerfile"));

    public static TheoryData<string> RuntimeStages => ["runtime", "haproxy"];

    [Fact]
    public void Every_stage_starts_from_an_official_dotnet_image_of_the_targeted_version()
    {
        var framework = TargetFramework().Match(File.ReadAllText(RepositoryRoot.File("Directory.Build.props"))).Groups[1].Value;

        Assert.Equal(["build", "haproxy", "runtime"], File_.Stages.Select(s => s.Name));
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{framework}", File_["build"].BaseImage);
        Assert.Equal($"mcr.microsoft.com/dotnet/aspnet:{framework}-noble", File_["haproxy"].BaseImage);
        Assert.Equal($"mcr.microsoft.com/dotnet/aspnet:{framework}-noble-chiseled", File_["runtime"].BaseImage);
        Assert.Same(File_["runtime"], File_.Default);
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void The_image_runs_the_published_host_as_the_non_root_user_the_chart_runs_it_as(string stage)
    {
        var image = File_[stage];
        var run = new ImageRun(image, published, published.Root);
        var chart = File.ReadAllText(RepositoryRoot.File("deploy", "helm", "directlb", "templates", "statefulset.yaml"));

        Assert.Contains("-o /app ", File_["build"].All("RUN").Single(r => r.Contains("dotnet publish", StringComparison.Ordinal)));
        Assert.Contains("--from=build /app/ /app/", image.All("COPY"));
        Assert.True(File.Exists(run.Dll), $"the entrypoint's {run.Dll} is not in the publish output");
        Assert.True(File.Exists(Path.ChangeExtension(run.Dll, ".runtimeconfig.json")));
        Assert.True(File.Exists(Path.Combine(published.App, "appsettings.json")));
        Assert.NotEqual(0, run.Uid);
        Assert.Contains($"runAsUser: {run.Uid}", chart);
        Assert.Contains($"runAsGroup: {run.Gid}", chart);
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void The_image_writes_only_its_state_volume_which_holds_the_default_journal_and_haproxy_state(string stage)
    {
        var image = File_[stage];

        Assert.Equal("/var/lib/directlb", image.Single("WORKDIR"));
        Assert.Equal("/var/lib/directlb", image.Single("VOLUME"));
        Assert.Contains($"--from=build --chown={image.Single("USER")} /state/ /var/lib/directlb/", image.All("COPY"));
        // The defaults that write: the SQLite journal is relative to the working directory, HAProxy's state below it.
        Assert.Contains("\"ConnectionString\": \"Data Source=directlb.db\"", File.ReadAllText(RepositoryRoot.File("src", "Host", "appsettings.json")));
        Assert.Contains("\"/var/lib/directlb/haproxy\"", File.ReadAllText(RepositoryRoot.File("src", "Providers", "HAProxy", "HAProxyProviderOptions.cs")));
        // The base image's HTTP_PORTS would make --listen override it with a warning at every start.
        Assert.Equal("", image.Environment["ASPNETCORE_HTTP_PORTS"]);
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void The_image_sets_the_runtime_settings_the_tests_and_the_bench_run_the_host_with(string stage)
    {
        var image = File_[stage];

        Assert.NotEmpty(HostRuntime.Environment);
        Assert.All(HostRuntime.Environment, setting => Assert.Equal(setting.Value, image.Environment.GetValueOrDefault(setting.Key)));
    }

    [Fact]
    public void Only_the_haproxy_image_installs_haproxy()
    {
        Assert.Contains(File_["haproxy"].All("RUN"), r => r.Contains("apt-get install -y --no-install-recommends haproxy", StringComparison.Ordinal));
        Assert.Empty(File_["runtime"].All("RUN"));
    }

    [Fact]
    public void The_build_copies_files_that_exist_and_leaves_local_build_output_out_of_the_context()
    {
        var sources = File_["build"].All("COPY")
            .Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .SelectMany(parts => parts[..^1]);
        var ignored = File.ReadAllLines(RepositoryRoot.File(".dockerignore"));

        Assert.All(sources, source => Assert.True(Path.Exists(RepositoryRoot.File(source)), $"COPY {source}: no such file"));
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    [Fact]
    public void The_chart_deploys_the_image_of_this_release()
    {
        var values = File.ReadAllText(RepositoryRoot.File("deploy", "helm", "directlb", "values.yaml"));
        var readme = File.ReadAllText(RepositoryRoot.File("README.md"));

        Assert.Equal(Release.Version, Release.ChartAppVersion);
        Assert.Matches(@"repository: ghcr\.io/example/directlb\s", values);
        Assert.Contains($"docker build -t ghcr.io/example/directlb:{Release.Version} ", readme);
    }

    [GeneratedRegex(@"<TargetFramework>net(\d+\.\d+)</TargetFramework>")]
    private static partial Regex TargetFramework();
}
