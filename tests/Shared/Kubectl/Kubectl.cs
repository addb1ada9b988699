using System.Diagnostics;

namespace DirectLB.Tests.Shared.Kubectl;

/// <summary>
/// The real kubectl, as a person types it, against a kubeconfig. scripts/test.sh installs it when it is missing.
/// Each instance keeps its own discovery cache, so a server started later on the same port is asked afresh.
/// </summary>
public sealed class Kubectl(string kubeconfig) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _cache = Directory.CreateTempSubdirectory("kubectl-cache-").FullName;

    /// <summary>Runs kubectl to the end and returns what it printed; a non-zero exit fails with its error output.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        using var process = Start(args);
        using var deadline = new CancellationTokenSource(Deadline);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"kubectl {string.Join(' ', args)} exited with {process.ExitCode}:\n{await errors}{await output}");
    }

    /// <summary>Starts kubectl and leaves it running (for <c>get -w</c>); the caller reads its output and kills it.</summary>
    public Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["--kubeconfig", kubeconfig, "--cache-dir", _cache, .. args])
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            return Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed (scripts/test.sh installs it: apt-get install kubernetes-client)", e);
        }
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
