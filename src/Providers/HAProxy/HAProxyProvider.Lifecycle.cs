using System.Security.Cryptography;
using System.Text;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.HAProxy;

/// <summary>Starting, supervising and reconfiguring HAProxy: the plumbing under the provider's verbs.</summary>
public sealed partial class HAProxyProvider
{
    private int? _knownMaster;

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.StateDirectory);
        var version = await _binary.CheckVersionAsync(cancellationToken);
        if (_options.Transparent)
        {
            await TransparentMode.CheckAsync(_binary, cancellationToken);
        }
        var configPath = _options.ResolvedConfigPath;
        var recovered = File.Exists(configPath)
            ? ConfigMetadata.Parse(await File.ReadAllTextAsync(configPath, cancellationToken), configPath)
            : HAProxyModel.Empty;
        _logger.LogInformation(
            "HAProxy {Version} ({Mode} mode), {Count} load balancers recovered from {Config}",
            version, _options.Mode, recovered.LoadBalancers.Count, configPath);

        // HAProxy warns about a missing state file; an empty version 1 dump is the quiet "no state yet".
        if (!File.Exists(_options.ServerStatePath))
        {
            await AtomicFile.WriteAsync(_options.ServerStatePath, "1\n", cancellationToken);
        }

        // Re-rendered even when recovered, so changed options (timeouts, sockets) take effect.
        await WriteConfigAsync(recovered, cancellationToken);
        if (_process is not null && await _process.EnsureRunningAsync(cancellationToken))
        {
            _knownMaster = (await ShowProcAsync(cancellationToken)).MasterPid;
            await _servers.ConvergeAllAsync(_model, cancellationToken);
            await _servers.SaveStateAsync(cancellationToken);
        }
        else
        {
            // An HAProxy that was already running may still run an older file (a crash between write and reload).
            await ReloadWithAsync(recovered, cancellationToken);
        }

        _supervision = SuperviseAsync(_stopping.Token);
    }

    private async Task UnderGateAsync(Func<Task> action, CancellationToken cancellationToken) =>
        await UnderGateAsync(async () =>
        {
            await action();
            return true;
        }, cancellationToken);

    private async Task<T> UnderGateAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureRunningAsync(cancellationToken);
            return await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Restarts an own HAProxy that died; in either mode, a master that is not the one last seen is a fresh
    /// HAProxy (restarted by us, systemd or a human), whose servers are converged back to the model.
    /// </summary>
    private async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (_process is not null && await _process.EnsureRunningAsync(cancellationToken))
        {
            _logger.LogWarning("HAProxy was not running and has been restarted from {Config}", _options.ResolvedConfigPath);
        }

        var table = await ShowProcAsync(cancellationToken);
        if (table.MasterPid != _knownMaster)
        {
            _logger.LogWarning("HAProxy master is now {Pid} (was {Previous}); converging servers", table.MasterPid, _knownMaster);
            await _servers.ConvergeAllAsync(_model, cancellationToken);
            await _servers.SaveStateAsync(cancellationToken);
            _knownMaster = table.MasterPid;
        }
    }

    private async Task<ProcessTable> ShowProcAsync(CancellationToken cancellationToken) =>
        await _master.TryShowProcAsync(cancellationToken)
        ?? throw new ProviderException(
            $"HAProxy master socket {_options.ResolvedMasterSocket} does not answer" +
            (_process is null ? " (attach mode: DirectLB does not start HAProxy; check the service that runs it)" : ""));

    /// <summary>Renders, validates with <c>haproxy -c</c>, and atomically installs the configuration; then it is the model.</summary>
    private async Task WriteConfigAsync(HAProxyModel model, CancellationToken cancellationToken)
    {
        var path = _options.ResolvedConfigPath;
        var temp = AtomicFile.TempPathFor(path);
        try
        {
            await AtomicFile.WriteTempAsync(temp, ConfigRenderer.Render(model, _options), cancellationToken);
            await _binary.ValidateAsync(temp, cancellationToken);
            File.Move(temp, path, overwrite: true);
            _model = model;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Installs the configuration and reloads seamlessly. The server state is saved first so drain and weight
    /// changes made at run time survive into the new worker. A failed reload puts the previous file back.
    /// </summary>
    private async Task ReloadWithAsync(HAProxyModel model, CancellationToken cancellationToken)
    {
        var previous = _model;
        await TrySaveStateAsync(cancellationToken);
        await WriteConfigAsync(model, cancellationToken);
        _process?.ForgetOutput();
        try
        {
            await _master.ReloadAsync(_options.ReloadTimeout, DescribeFailure, cancellationToken);
        }
        catch (ProviderException)
        {
            await WriteConfigAsync(previous, CancellationToken.None);
            throw;
        }

        _knownMaster = (await ShowProcAsync(cancellationToken)).MasterPid;
        await _servers.ConvergeAllAsync(_model, cancellationToken);
        await _servers.SaveStateAsync(cancellationToken);
    }

    /// <summary>An HAProxy DirectLB attaches to for the first time has no admin socket yet; its state is then not ours to save.</summary>
    private async Task TrySaveStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _servers.SaveStateAsync(cancellationToken);
        }
        catch (ProviderException e)
        {
            _logger.LogWarning("Could not save server state before reloading: {Reason}", e.Message);
        }
    }

    private string DescribeFailure() => _process?.RecentOutput() ?? "See the log of the service running HAProxy.";

    /// <summary>Notices a dead HAProxy even when no call comes, so traffic returns without waiting for the next change.</summary>
    private async Task SuperviseAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.SupervisionInterval, stopping);
                await _gate.WaitAsync(stopping);
                try
                {
                    await EnsureRunningAsync(stopping);
                }
                catch (ProviderException e)
                {
                    _logger.LogWarning("HAProxy supervision: {Reason}", e.Message);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>
    /// Derived from the owner, so even a lost configuration would give a Service the same id again; a suffix
    /// separates the (astronomically unlikely) owners whose hashes collide.
    /// </summary>
    private string NewId(LoadBalancerOwner owner)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{owner.ClusterScope}\n{owner.Namespace}/{owner.Name}"));
        var id = "lb-" + Convert.ToHexStringLower(hash)[..12];
        var candidate = id;
        for (var suffix = 2; _model.LoadBalancers.ContainsKey(candidate); suffix++)
        {
            candidate = $"{id}-{suffix}";
        }

        return candidate;
    }
}
