using System.Collections.Concurrent;
using DirectLB.Actors.Domain;

namespace DirectLB.Tests.Support;

/// <summary>An <see cref="IServiceWriter"/> that records every write, and can be told to fail.</summary>
public sealed class RecordingServiceWriter : IServiceWriter
{
    private readonly ConcurrentQueue<string> _writes = new();
    private readonly ConcurrentQueue<ServiceEvent> _events = new();
    private readonly ConcurrentQueue<(string Pod, GateCondition Condition)> _gates = new();
    private readonly ConcurrentQueue<(string Pod, ServiceEvent Event)> _podEvents = new();
    private readonly Func<long>? _providerCalls;

    public RecordingServiceWriter(Func<long>? providerCalls = null) => _providerCalls = providerCalls;

    public IReadOnlyList<string> Writes => [.. _writes];

    public IReadOnlyList<ServiceEvent> Events => [.. _events];

    /// <summary>Every readiness gate condition written, by pod, in order.</summary>
    public IReadOnlyList<(string Pod, GateCondition Condition)> Gates => [.. _gates];

    public IReadOnlyList<(string Pod, ServiceEvent Event)> PodEvents => [.. _podEvents];

    /// <summary>How many provider calls had been made when the finalizer was added (null if never).</summary>
    public long? ProviderCallsAtFinalizer { get; private set; }

    public volatile bool Fail;

    /// <summary>Status writes fail (and are counted in <see cref="RefusedIngress"/>), as an API server that refuses them would.</summary>
    public volatile bool FailIngress;

    private int _refusedIngress;

    public int RefusedIngress => Volatile.Read(ref _refusedIngress);

    /// <summary>The Services finalizer edits were planned from, as the entity handed them over (null: none).</summary>
    public ConcurrentQueue<ServiceSnapshot?> FinalizerEditsObserved { get; } = new();

    public Task AddFinalizerAsync(string clusterId, ServiceKey key, ServiceSnapshot? observed, CancellationToken cancellationToken)
    {
        ProviderCallsAtFinalizer ??= _providerCalls?.Invoke();
        FinalizerEditsObserved.Enqueue(observed);
        return Record($"add-finalizer {clusterId} {key}");
    }

    public Task RemoveFinalizerAsync(string clusterId, ServiceKey key, ServiceSnapshot? observed, CancellationToken cancellationToken)
    {
        FinalizerEditsObserved.Enqueue(observed);
        return Record($"remove-finalizer {clusterId} {key}");
    }

    public Task SetIngressAsync(string clusterId, ServiceKey key, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        if (FailIngress)
        {
            Interlocked.Increment(ref _refusedIngress);
            return Task.FromException(new InvalidOperationException("the API server refused the status write"));
        }
        return Record($"ingress {clusterId} {key} [{string.Join(',', addresses)}]");
    }

    public Task RecordEventAsync(string clusterId, ServiceKey key, string serviceUid, ServiceEvent serviceEvent, CancellationToken cancellationToken)
    {
        _events.Enqueue(serviceEvent);
        return Task.CompletedTask;
    }

    public Task SetPodConditionAsync(string clusterId, string @namespace, string pod, string conditionType, GateCondition condition, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            return Task.FromException(new HttpRequestException("API server unavailable"));
        }

        _gates.Enqueue((pod, condition));
        return Task.CompletedTask;
    }

    public Task RecordPodEventAsync(string clusterId, string @namespace, string pod, string podUid, ServiceEvent podEvent, CancellationToken cancellationToken)
    {
        _podEvents.Enqueue((pod, podEvent));
        return Task.CompletedTask;
    }

    private Task Record(string write)
    {
        if (Fail)
        {
            return Task.FromException(new HttpRequestException("API server unavailable"));
        }

        _writes.Enqueue(write);
        return Task.CompletedTask;
    }
}

/// <summary>Records the entities' requests to have their state sent again.</summary>
public sealed class RecordingStateSource : IServiceStateSource
{
    private readonly ConcurrentQueue<ServiceKey> _requests = new();

    public IReadOnlyList<ServiceKey> Requests => [.. _requests];

    private readonly ConcurrentQueue<ServiceKey> _onNewOwner = new();

    /// <summary>Requests to send the Service at once to the entity's new owner (made when its shard is handed off).</summary>
    public IReadOnlyList<ServiceKey> OnNewOwner => [.. _onNewOwner];

    public void RequestResend(ServiceKey key, TimeSpan after) => _requests.Enqueue(key);

    public void RequestResendOnNewOwner(ServiceKey key) => _onNewOwner.Enqueue(key);
}
