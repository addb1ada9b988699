using System.Diagnostics;

namespace DirectLB.Image.Tests.Support;

/// <summary>
/// Runs the publish output as a stage of the Dockerfile runs it: its entrypoint with <c>/app</c> standing for the
/// publish output, as its <c>USER</c> (through setpriv when the tests run as root), in a stand-in for its
/// <c>WORKDIR</c>, with the environment of the official .NET image under it and its own <c>ENV</c>.
/// </summary>
public sealed class ImageRun
{
    private const string AppInImage = "/app/";

    // What mcr.microsoft.com/dotnet/aspnet sets for every container.
    private static readonly Dictionary<string, string> BaseImageEnvironment = new()
    {
        ["APP_UID"] = "1654",
        ["ASPNETCORE_HTTP_PORTS"] = "8080",
        ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
    };

    private readonly DockerStage _stage;
    private readonly PublishedHost _published;

    public ImageRun(DockerStage stage, PublishedHost published, string workingDirectory)
    {
        _stage = stage;
        _published = published;
        WorkingDirectory = workingDirectory;
        var entrypoint = stage.Entrypoint;
        if (entrypoint is not ["dotnet", var dll] || !dll.StartsWith(AppInImage, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the {stage.Name} stage's entrypoint is not dotnet /app/...: {string.Join(' ', entrypoint)}");
        }

        Dll = Path.Combine(published.App, dll[AppInImage.Length..]);
        var user = stage.Single("USER").Split(':');
        (Uid, Gid) = (int.Parse(user[0]), int.Parse(user.Length > 1 ? user[1] : user[0]));
    }

    /// <summary>The entrypoint's assembly in the publish output.</summary>
    public string Dll { get; }

    public int Uid { get; }

    public int Gid { get; }

    public string WorkingDirectory { get; }

    /// <summary>Only root can switch to the image's user; anyone else runs the host as themself.</summary>
    public static bool RunsAsRoot => Environment.UserName == "root";

    /// <summary>Makes <paramref name="info"/> (<c>dotnet directlb.dll ...</c>) start as the image would.</summary>
    public void Apply(ProcessStartInfo info)
    {
        info.WorkingDirectory = WorkingDirectory;
        // A home the process cannot write to: the image's root file system is read-only.
        info.Environment["HOME"] = _published.App;
        foreach (var (name, value) in BaseImageEnvironment.Concat(_stage.Environment))
        {
            info.Environment[name] = value;
        }

        if (RunsAsRoot)
        {
            // The state volume belongs to the image's user, as the Dockerfile's COPY --chown makes it.
            using (var chown = Process.Start("chown", [$"{Uid}:{Gid}", WorkingDirectory])!)
            {
                chown.WaitForExit();
            }

            info.ArgumentList.Insert(0, info.FileName);
            foreach (var arg in new[] { "--" , "--clear-groups", $"--regid={Gid}", $"--reuid={Uid}" })
            {
                info.ArgumentList.Insert(0, arg);
            }

            info.FileName = "setpriv";
        }
    }
}
