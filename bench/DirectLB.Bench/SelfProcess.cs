using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench;

/// <summary>This bench again, as a new process with the host's runtime settings (<see cref="HostRuntime"/>).</summary>
public static class SelfProcess
{
    /// <summary>The same executable with other arguments: <c>dotnet DirectLB.Bench.dll</c> or its apphost (<c>dotnet run</c>).</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        HostRuntime.ApplyTo(info);
        ArmDump(info);
        return info;
    }

    /// <summary>
    /// A bench process the runtime ends on a fatal error (issue 13: "Out of memory." late in long runs, rare, never
    /// caught with a dump) leaves a heap dump in the temporary directory, named by its process id; the runtime prints
    /// its path. Unless the caller set these itself.
    /// </summary>
    private static void ArmDump(ProcessStartInfo info)
    {
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["DOTNET_DbgEnableMiniDump"] = "1",
            ["DOTNET_DbgMiniDumpType"] = "2",
            ["DOTNET_DbgMiniDumpName"] = Path.Combine(Path.GetTempPath(), "directlb-bench-%p.dmp"),
        })
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                info.Environment[name] = value;
            }
        }
    }

    /// <summary>
    /// The runs that host DirectLB in this process measure it with this process's runtime settings, which are read
    /// when the runtime starts: when they are not the image's, the bench runs itself again with them (its output and
    /// exit code are the child's). A SIGTERM to this process (a timeout's) ends the child and what it started.
    /// </summary>
    public static async Task<int> RunAgainWithHostRuntimeAsync(string[] args)
    {
        using var child = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("the bench did not start again");
        using var terminated = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            child.Kill(entireProcessTree: true);
        });
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}
