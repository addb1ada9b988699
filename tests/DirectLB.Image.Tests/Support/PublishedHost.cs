using System.Diagnostics;

namespace DirectLB.Image.Tests.Support;

/// <summary>
/// <c>dotnet publish</c> of the Host in Release, once for all the tests that need it: the files the image's build
/// stage copies into <c>/app</c>. Deleted afterwards.
/// </summary>
public sealed class PublishedHost : IDisposable
{
    /// <summary>The test collection sharing one publish.</summary>
    public const string Collection = "published host";

    /// <summary><c>rwxr-xr-x</c>: a directory the image's user may read but not write.</summary>
    public const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public PublishedHost()
    {
        // World-readable, as /app is in the image: the host runs as another user than the one publishing it.
        Root = Directory.CreateTempSubdirectory("directlb-image-").FullName;
        File.SetUnixFileMode(Root, ReadableByAll);
        App = System.IO.Path.Combine(Root, "app");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["publish", RepositoryRoot.File("src", "Host", "DirectLB.Host.csproj"), "-c", "Release", "-o", App, "-nologo", "-v", "q"])
        {
            info.ArgumentList.Add(arg);
        }

        using var publish = Process.Start(info)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        if (!publish.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            publish.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish of the Host took longer than 8 minutes");
        }

        PublishOutput = output.Result + errors.Result;
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of the Host failed ({publish.ExitCode}):\n{PublishOutput}");
        }
    }

    /// <summary>A directory holding <see cref="App"/>, for the tests' own work directories.</summary>
    public string Root { get; }

    /// <summary>The publish output: what the image holds in <c>/app</c>.</summary>
    public string App { get; }

    /// <summary>What <c>dotnet publish</c> printed (warnings included).</summary>
    public string PublishOutput { get; }

    public string Dll => System.IO.Path.Combine(App, "directlb.dll");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

[CollectionDefinition(PublishedHost.Collection)]
public sealed class PublishedHostCollection : ICollectionFixture<PublishedHost>;
