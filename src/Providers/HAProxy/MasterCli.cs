using System.Diagnostics;
using System.Globalization;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// The master CLI of an HAProxy in master-worker mode: which processes run, and the seamless reload.
/// A reload re-executes the master, which hands the listening sockets to the new worker over its internal
/// socket pair, so no connection is refused; the old worker finishes its established connections and leaves.
/// </summary>
internal sealed class MasterCli(RuntimeApiClient master, RuntimeApiClient admin)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public RuntimeApiClient Socket => master;

    /// <summary>The process table, or null when the master does not answer.</summary>
    public async Task<ProcessTable?> TryShowProcAsync(CancellationToken cancellationToken)
    {
        try
        {
            return ProcessTable.Parse(await master.SendAsync("show proc", cancellationToken));
        }
        catch (ProviderException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reloads and waits until a new worker serves the admin socket, which it only does once it has taken
    /// over the listeners. <paramref name="describeFailure"/> adds what HAProxy printed, when DirectLB has it.
    /// </summary>
    /// <exception cref="ProviderException">The reload failed or did not finish in time (retryable).</exception>
    public async Task ReloadAsync(TimeSpan timeout, Func<string> describeFailure, CancellationToken cancellationToken)
    {
        var before = await TryShowProcAsync(cancellationToken)
            ?? throw new ProviderException($"HAProxy master socket {master.SocketPath} does not answer 'show proc'; cannot reload");

        // The master closes the connection without an answer when it re-executes.
        await master.SendAsync("reload", cancellationToken);

        var deadline = Stopwatch.StartNew();
        int? newWorker = null;
        while (deadline.Elapsed < timeout)
        {
            await Task.Delay(PollInterval, cancellationToken);
            if (newWorker is null)
            {
                var after = await TryShowProcAsync(cancellationToken);
                if (after is null || after.Reloads <= before.Reloads)
                {
                    continue;
                }

                if (after.FailedReloads > before.FailedReloads)
                {
                    throw new ProviderException($"HAProxy reload failed; the previous configuration keeps running. {describeFailure()}");
                }

                newWorker = after.Workers.Except(before.Workers).Cast<int?>().FirstOrDefault();
                continue;
            }

            if (await AdminAnswersFromAsync(newWorker.Value, cancellationToken))
            {
                return;
            }
        }

        throw new ProviderException($"HAProxy reload did not finish within {timeout.TotalSeconds:0.#} s (new worker: {newWorker?.ToString(CultureInfo.InvariantCulture) ?? "none yet"}). {describeFailure()}");
    }

    private async Task<bool> AdminAnswersFromAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            var info = await admin.SendAsync("show info", cancellationToken);
            return info.Contains($"\nPid: {pid.ToString(CultureInfo.InvariantCulture)}\n", StringComparison.Ordinal);
        }
        catch (ProviderException)
        {
            return false;
        }
    }
}
