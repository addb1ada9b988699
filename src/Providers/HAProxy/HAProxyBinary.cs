using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DirectLB.Providers.HAProxy;

/// <summary>The haproxy executable run as a tool: its version, and <c>haproxy -c</c> to validate a configuration.</summary>
internal sealed partial class HAProxyBinary(string path)
{
    /// <summary>"add server"/"del server" outside experimental mode and "show servers state" with ports: 2.6 is what is tested.</summary>
    public static readonly Version MinimumVersion = new(2, 6);

    public string Path => path;

    /// <exception cref="ProviderException">Missing, unrunnable or too old (not retryable), naming the package to install.</exception>
    public async Task<Version> CheckVersionAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(["-v"], cancellationToken);
        var match = VersionPattern().Match(output);
        if (exitCode != 0 || !match.Success)
        {
            throw new ProviderException($"'{path} -v' did not report a version (exit {exitCode}): {RuntimeApiClient.OneLine(output)}", retryable: false);
        }

        var version = new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
        return version >= MinimumVersion
            ? version
            : throw new ProviderException(
                $"HAProxy {version} at '{path}' is older than {MinimumVersion}, which DirectLB needs for servers changed at run time; install a newer haproxy package",
                retryable: false);
    }

    /// <summary>The build's feature list (<c>haproxy -vv</c>), such as "+LINUX_TPROXY".</summary>
    public async Task<string> FeaturesAsync(CancellationToken cancellationToken) => (await RunAsync(["-vv"], cancellationToken)).Output;

    /// <summary>Runs <c>haproxy -c -f</c>; a configuration HAProxy rejects is a bug or a bad input, so not retryable.</summary>
    public async Task ValidateAsync(string configPath, CancellationToken cancellationToken)
    {
        // Not -q: quiet mode also silences the alerts that say what is wrong.
        var (exitCode, output) = await RunAsync(["-c", "-f", configPath], cancellationToken);
        if (exitCode != 0)
        {
            var alerts = output.Split('\n').Where(l => l.Contains("[ALERT]", StringComparison.Ordinal)).ToList();
            var reason = alerts.Count > 0 ? string.Join(" | ", alerts.Select(a => a.Trim())) : RuntimeApiClient.OneLine(output);
            throw new ProviderException($"'{path} -c -f {configPath}' rejected the rendered configuration (exit {exitCode}): {reason}", retryable: false);
        }
    }

    /// <summary>Starts haproxy with <paramref name="arguments"/>, translating "not found" into what to install.</summary>
    public Process Start(IEnumerable<string> arguments, bool redirectOutput)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = redirectOutput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(start) ?? throw new ProviderException($"could not start '{path}'", retryable: false);
        }
        catch (Win32Exception e)
        {
            throw new ProviderException(
                $"the haproxy binary '{path}' could not be started ({e.Message}); install HAProxy (Debian/Ubuntu: apt-get install haproxy) or set BinaryPath",
                retryable: false,
                e);
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        using var process = Start(arguments, redirectOutput: true);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    [GeneratedRegex(@"HAProxy version (\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
