using System.Collections.Concurrent;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Simulated;

/// <summary>
/// An in-memory model of a cloud load balancer API: latency, a rate limit that throttles, a target limit
/// per load balancer, injected failures, and a count of every call by kind. Tests and benchmarks run
/// against it; its semantics (idempotent verbs, ownership tags) are those every real provider must have. Its data
/// plane is a model too (SimulatedProvider.DataPlane.cs): which target a client's connection would reach, or why it
/// would be refused.
/// </summary>
public sealed partial class SimulatedProvider : ILoadBalancerProvider, ILoadBalancerCatalog
{
    private readonly SimulatedProviderOptions _options;
    private readonly TimeProvider _clock;
    private TokenBucket? _rateLimit;
    private double _ratePerSecond;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimulatedLoadBalancer> _loadBalancers = [];
    private readonly AddressPool _addresses;
    private readonly AddressPool? _addresses6;
    private readonly ConcurrentDictionary<ProviderCallKind, long> _calls = new();
    private readonly Dictionary<TargetKey, TargetHealth> _healthOverrides = [];
    private readonly string _idPrefix;
    private readonly ConcurrentDictionary<ChaosDraw, long> _chaosInjected = new();
    private ChaosDice? _chaos;
    private long _throttled;
    private long _nextId;

    public SimulatedProvider(SimulatedProviderOptions? options = null, TimeProvider? clock = null)
    {
        _options = options ?? new SimulatedProviderOptions();
        _clock = clock ?? TimeProvider.System;
        _addresses = Pool(_options.AddressPool, IpFamily.IPv4);
        _addresses6 = _options.AddressPool6 is { Length: > 0 } pool6 ? Pool(pool6, IpFamily.IPv6) : null;
        _idPrefix = _options.IdPrefix ?? $"lb-{Random.Shared.Next(0x100000, 0xFFFFFF):x6}-";
        LimitRate(_options.RateLimitPerSecond, _options.RateLimitBurst);
        InjectChaos(_options.Chaos);
        Capabilities = new ProviderCapabilities(
            SupportsWeights: true,
            SupportsDrain: true,
            MaxTargetsPerLoadBalancer: _options.MaxTargetsPerLoadBalancer,
            Protocols: new HashSet<TransportProtocol> { TransportProtocol.Tcp, TransportProtocol.Udp })
        {
            SupportsSourceRanges = true,
            SupportsSessionAffinity = true,
            SupportsRequestedAddress = true,
            AddressFamilies = _addresses6 is null ? new HashSet<IpFamily> { IpFamily.IPv4 } : new HashSet<IpFamily> { IpFamily.IPv4, IpFamily.IPv6 },
        };
    }

    public string Name => "simulated";

    public ProviderCapabilities Capabilities { get; }

    /// <summary>What the simulated cloud holds now.</summary>
    public IReadOnlyList<LoadBalancerInfo> LoadBalancers
    {
        get
        {
            lock (_gate)
            {
                return _loadBalancers.Values.Select(lb => lb.ToInfo(Health)).ToList();
            }
        }
    }

    /// <summary>
    /// How many load balancers hold exactly <paramref name="targets"/> targets over all their listeners. For observers that
    /// poll (the bench waiting for convergence): it copies nothing, where <see cref="LoadBalancers"/> copies the whole
    /// cloud while holding the lock every call waits for.
    /// </summary>
    public int CountWithTargets(int targets)
    {
        lock (_gate)
        {
            return _loadBalancers.Values.Count(lb => lb.Listeners.Values.Sum(l => l.Targets.Count) == targets);
        }
    }

    /// <summary>Reads the simulated cloud directly, not counted as a call: the contract's GET by id.</summary>
    public Task<LoadBalancerInfo?> GetLoadBalancerAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_loadBalancers.GetValueOrDefault(id)?.ToInfo(Health));
        }
    }

    public bool Holds(LoadBalancerOwner owner)
    {
        lock (_gate)
        {
            return FindOwned(owner) is not null;
        }
    }

    public async Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.FindLoadBalancer, cancellationToken);
        lock (_gate)
        {
            return FindOwned(owner)?.ToInfo(Health);
        }
    }

    public async Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.ListLoadBalancers, cancellationToken);
        lock (_gate)
        {
            // Ids are ordered, so the last id of a page is the whole continue token: stable while others come and go.
            var page = _loadBalancers.Values
                .Where(lb => installation.Tagged(lb.Tags) && (continueToken is null || string.CompareOrdinal(lb.Id, continueToken) > 0))
                .OrderBy(lb => lb.Id, StringComparer.Ordinal)
                .Take(_options.ListPageSize + 1)
                .ToList();
            var more = page.Count > _options.ListPageSize;
            var items = page.Take(_options.ListPageSize).Select(lb => lb.ToInfo(Health)).ToList();
            return new LoadBalancerPage(items, more ? items[^1].Id : null);
        }
    }

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(owner, name, new AddressRequest(IpFamily.IPv4, DualStack: false), cancellationToken);

    public async Task EnsureListenerAsync(LoadBalancerRef loadBalancer, ListenerSpec listener, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.EnsureListener, cancellationToken);
        if (!Capabilities.Supports(listener.Key.Protocol))
        {
            throw new ProviderException($"protocol {listener.Key.Protocol} is not supported", retryable: false);
        }

        lock (_gate)
        {
            var lb = GetOwned(loadBalancer);
            if (lb.Listeners.TryGetValue(listener.Key, out var existing))
            {
                existing.Spec = listener;
            }
            else
            {
                lb.Listeners.Add(listener.Key, new SimulatedListener(listener));
            }
        }
    }

    public async Task EnsureListenerDeletedAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.DeleteListener, cancellationToken);
        lock (_gate)
        {
            GetOwned(loadBalancer).Listeners.Remove(listener);
        }
    }

    public async Task ChangeTargetsAsync(
        LoadBalancerRef loadBalancer,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.ChangeTargets, cancellationToken);
        lock (_gate)
        {
            var lb = GetOwned(loadBalancer);
            var loadBalancerId = loadBalancer.Id;
            if (!lb.Listeners.TryGetValue(listener, out var target))
            {
                throw new ProviderException($"listener {listener} does not exist on {loadBalancerId}", retryable: false);
            }

            // Validate the whole batch before touching anything: a cloud API applies a batch all or nothing.
            var after = target.Targets.Keys.Except(removals).Union(upserts.Select(u => u.Key)).Count();
            var othersOnLb = lb.Listeners.Values.Where(l => l != target).Sum(l => l.Targets.Count);
            if (after + othersOnLb > _options.MaxTargetsPerLoadBalancer)
            {
                throw new ProviderException(
                    $"load balancer {loadBalancerId} would have {after + othersOnLb} targets, more than its limit of {_options.MaxTargetsPerLoadBalancer}",
                    retryable: false);
            }

            foreach (var key in removals)
            {
                target.Targets.Remove(key);
                target.RegisteredAt.Remove(key);
            }

            var now = _clock.GetUtcNow();
            foreach (var upsert in upserts)
            {
                if (!target.Targets.ContainsKey(upsert.Key))
                {
                    target.RegisteredAt[upsert.Key] = now;
                }

                target.Targets[upsert.Key] = upsert;
            }
        }
    }

    public async Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef loadBalancer, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.DeleteLoadBalancer, cancellationToken);
        lock (_gate)
        {
            if (!_loadBalancers.TryGetValue(loadBalancer.Id, out var existing))
            {
                return; // gone already
            }

            CheckOwner(loadBalancer, existing);
            _loadBalancers.Remove(loadBalancer.Id);
            Unindex(existing);
            foreach (var address in existing.Addresses)
            {
                PoolOf(address).Return(address);
            }
        }
    }

    /// <summary>
    /// What the load balancer's own health checks would say of <paramref name="target"/> from now on, whatever its
    /// registration age (null: back to the registration delay rule). For tests of health and readiness gates.
    /// </summary>
    public void SetTargetHealth(TargetKey target, TargetHealth? health)
    {
        lock (_gate)
        {
            if (health is { } set)
            {
                _healthOverrides[target] = set;
            }
            else
            {
                _healthOverrides.Remove(target);
            }
        }
    }

    /// <summary>
    /// A target's health as a cloud load balancer reports it: draining when it drains, <see cref="TargetHealth.Initial"/>
    /// until <see cref="SimulatedProviderOptions.HealthyAfter"/> has passed since it was registered (real load
    /// balancers take seconds to minutes before a new target takes traffic), then healthy. Called under the gate.
    /// </summary>
    private TargetHealth Health(TargetSpec target, DateTimeOffset registeredAt) =>
        target.State == TargetState.Draining ? TargetHealth.Draining
        : _healthOverrides.TryGetValue(target.Key, out var forced) ? forced
        : _clock.GetUtcNow() < registeredAt + _options.HealthyAfter ? TargetHealth.Initial
        : TargetHealth.Healthy;
}
