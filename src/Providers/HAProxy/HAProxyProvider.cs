using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Drives a real HAProxy. Load balancers get an address from the VIP pool; each TCP listener is a frontend
/// on VIP:port with a round-robin backend, changed through the rendered configuration and a seamless reload;
/// targets are servers changed through the runtime API without a reload. The rendered configuration is the
/// record of what DirectLB owns (see <see cref="ConfigMetadata"/>), so a new provider on the same files finds
/// everything again. All calls are serialized: there is one HAProxy and one configuration file.
/// </summary>
public sealed partial class HAProxyProvider : ILoadBalancerProvider, IChosenAddressProvider, IAsyncDisposable
{
    private readonly HAProxyProviderOptions _options;
    private readonly ILogger _logger;
    private readonly HAProxyBinary _binary;
    private readonly VipPool _vips;
    private readonly VipPool? _vips6;
    private readonly MasterCli _master;
    private readonly ServerConverger _servers;
    private readonly HAProxyProcess? _process;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private HAProxyModel _model = HAProxyModel.Empty;
    private Task _supervision = Task.CompletedTask;
    private int _disposed;

    private HAProxyProvider(HAProxyProviderOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _binary = new HAProxyBinary(options.BinaryPath);
        _vips = new VipPool(options.VipPool);
        _vips6 = options.VipPool6 is { } pool6 ? new VipPool(pool6) : null;
        Admin = new RuntimeApiClient(options.ResolvedAdminSocket);
        _master = new MasterCli(new RuntimeApiClient(options.ResolvedMasterSocket), Admin);
        _servers = new ServerConverger(Admin, options, logger);
        _process = options.Mode == HAProxyMode.Own ? new HAProxyProcess(_binary, options, _master, logger) : null;
        Capabilities = new ProviderCapabilities(
            SupportsWeights: true,
            SupportsDrain: true,
            MaxTargetsPerLoadBalancer: options.MaxTargetsPerLoadBalancer,
            Protocols: new HashSet<TransportProtocol> { TransportProtocol.Tcp })
        {
            SupportsSourceRanges = true,
            SupportsSessionAffinity = true,
            SupportsRequestedAddress = true,
            AddressFamilies = _vips6 is null ? new HashSet<IpFamily> { IpFamily.IPv4 } : new HashSet<IpFamily> { IpFamily.IPv4, IpFamily.IPv6 },
        };
    }

    public string Name => "haproxy";

    public ProviderCapabilities Capabilities { get; }

    /// <summary>The runtime API of the HAProxy this provider drives, for diagnostics and tests.</summary>
    public RuntimeApiClient Admin { get; }

    /// <summary>
    /// Checks the binary, reads back what a previous DirectLB configured, starts (own mode) or reaches (attach
    /// mode) HAProxy, makes it run the current configuration with the registered servers, and starts supervising it.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="ProviderException">HAProxy is missing (naming the package to install), too old, or does not come up.</exception>
    public static async Task<HAProxyProvider> StartAsync(HAProxyProviderOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options.ThrowIfInvalid();
        var provider = new HAProxyProvider(options, logger ?? NullLogger.Instance);
        try
        {
            await provider.InitializeAsync(cancellationToken);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(owner, name, new AddressRequest(IpFamily.IPv4, DualStack: false), cancellationToken);

    public Task EnsureListenerAsync(LoadBalancerRef loadBalancer, ListenerSpec listener, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var loadBalancerId = GetOwned(loadBalancer).Id;
            if (listener.Key.Protocol != TransportProtocol.Tcp)
            {
                throw new ProviderException(
                    $"HAProxy does not proxy {listener.Key.Protocol.ToString().ToUpperInvariant()}; listener {listener.Key} on {loadBalancerId} cannot be created (HAProxy is TCP only)",
                    retryable: false);
            }

            var invalid = listener.Key.Port is < 1 or > 65535 ? "port outside 1-65535" : listener.HealthCheck?.Validate();
            if (invalid is not null)
            {
                throw new ProviderException($"listener {listener.Key} on {loadBalancerId}: {invalid}", retryable: false);
            }

            var current = _model.Get(loadBalancerId).Listeners.FirstOrDefault(l => l.Spec.Key == listener.Key);
            if (current?.Spec == listener)
            {
                return;
            }

            await ReloadWithAsync(_model.WithListener(loadBalancerId, listener), cancellationToken);
            _logger.LogInformation("Ensured listener {Listener} on {Id}", listener.Key, loadBalancerId);
        }, cancellationToken);

    public Task EnsureListenerDeletedAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var loadBalancerId = GetOwned(loadBalancer).Id;
            if (_model.Get(loadBalancerId).Listeners.Any(l => l.Spec.Key == listener))
            {
                await ReloadWithAsync(_model.WithoutListener(loadBalancerId, listener), cancellationToken);
                _logger.LogInformation("Deleted listener {Listener} on {Id}", listener, loadBalancerId);
            }
        }, cancellationToken);

    public Task ChangeTargetsAsync(
        LoadBalancerRef loadBalancer,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var loadBalancerId = GetOwned(loadBalancer).Id;
            // Validate the whole batch before touching anything, as a cloud API applies a batch all or nothing.
            foreach (var upsert in upserts)
            {
                _ = ServerName.For(upsert.Key);
                if (ServerArguments.Validate(upsert) is { } invalid)
                {
                    throw new ProviderException(invalid, retryable: false);
                }
            }

            var changed = _model.WithTargets(loadBalancerId, listener, upserts, removals);
            var total = changed.Get(loadBalancerId).Listeners.Sum(l => l.Targets.Count);
            if (total > _options.MaxTargetsPerLoadBalancer)
            {
                throw new ProviderException(
                    $"load balancer {loadBalancerId} would have {total} targets, more than its limit of {_options.MaxTargetsPerLoadBalancer}",
                    retryable: false);
            }

            // The file first: it records the intent, so a reload or restart in the middle lands on the new servers.
            await WriteConfigAsync(changed, cancellationToken);
            var listenerInfo = _model.Get(loadBalancerId).Listeners.First(l => l.Spec.Key == listener);
            var backend = HAProxyModel.BackendName(loadBalancerId, listener.Port);
            var runtime = await _servers.ReadAsync(cancellationToken);
            await _servers.ConvergeAsync(backend, listenerInfo, runtime[backend], cancellationToken);
            await _servers.SaveStateAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyDictionary<TargetKey, int>?> CountConnectionsAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var loadBalancerId = GetOwned(loadBalancer).Id;
            var info = _model.Get(loadBalancerId).Listeners.FirstOrDefault(l => l.Spec.Key == listener);
            if (info is null)
            {
                return (IReadOnlyDictionary<TargetKey, int>?)new Dictionary<TargetKey, int>();
            }

            var sessions = ServerConnections.Parse(
                await Admin.SendAsync(ServerConnections.Command, cancellationToken),
                HAProxyModel.BackendName(loadBalancerId, listener.Port));
            return info.Targets
                .Where(t => sessions.ContainsKey(ServerName.For(t.Key)))
                .ToDictionary(t => t.Key, t => sessions[ServerName.For(t.Key)]);
        }, cancellationToken);

    public Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef loadBalancer, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var loadBalancerId = loadBalancer.Id;
            if (_model.LoadBalancers.TryGetValue(loadBalancerId, out var lb))
            {
                CheckOwner(loadBalancer, lb);
                var without = _model.Without(loadBalancerId);
                await (lb.Listeners.Count > 0 ? ReloadWithAsync(without, cancellationToken) : WriteConfigAsync(without, cancellationToken));
                _logger.LogInformation("Deleted load balancer {Id} at {Address}", loadBalancerId, lb.Address);
            }
        }, cancellationToken);

    /// <summary>Stops supervising; in own mode also stops HAProxy when <see cref="HAProxyProviderOptions.StopOnDispose"/> says so.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _supervision;
        if (_process is not null && _options.StopOnDispose)
        {
            await _gate.WaitAsync();
            try
            {
                await _process.StopAsync(CancellationToken.None);
            }
            finally
            {
                _gate.Release();
            }
        }

        _stopping.Dispose();
    }
}
