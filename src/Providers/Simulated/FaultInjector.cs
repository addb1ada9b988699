using System.Collections.Concurrent;

namespace DirectLB.Providers.Simulated;

/// <summary>Failures queued by tests and benchmarks: the next N calls of a kind throw the given error.</summary>
public sealed class FaultInjector
{
    private readonly ConcurrentDictionary<ProviderCallKind, ConcurrentQueue<Exception>> _queued = new();

    public void FailNext(ProviderCallKind kind, int times = 1, Exception? error = null)
    {
        var queue = _queued.GetOrAdd(kind, _ => new ConcurrentQueue<Exception>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(error ?? new ProviderException($"injected failure of {kind}"));
        }
    }

    public void Clear() => _queued.Clear();

    internal void ThrowIfQueued(ProviderCallKind kind)
    {
        if (_queued.TryGetValue(kind, out var queue) && queue.TryDequeue(out var error))
        {
            throw error;
        }
    }
}
