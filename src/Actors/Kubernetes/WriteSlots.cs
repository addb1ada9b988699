namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// At most a given number of writes to one member cluster in flight; the others wait in arrival order, each as one
/// small task source. A cold start's burst waits as ~15,000 writes at its peak, where a <see cref="SemaphoreSlim"/>'s
/// cancellable wait held ~400 bytes each (its node, promise, state machine and token registration, ~6 MB in a heap dump).
/// A wait is not cancelled where it stands: a write whose token was cancelled while it waited gives its turn up when the
/// turn comes, and the next write takes the slot.
/// </summary>
internal sealed class WriteSlots(int slots)
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private int _free = slots;

    /// <summary>Takes a slot if one is free now; otherwise the caller waits for one with <see cref="WaitAsync"/>.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            if (_free == 0)
            {
                return false;
            }

            _free--;
            return true;
        }
    }

    /// <summary>Completes when a slot is the caller's (at once if one is free); the caller then owes one <see cref="Release"/>.</summary>
    public Task WaitAsync()
    {
        lock (_lock)
        {
            if (_free > 0)
            {
                _free--;
                return Task.CompletedTask;
            }

            // Continued on the thread pool, so that a release never runs the next write inside the one that finished.
            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn);
            return turn.Task;
        }
    }

    /// <summary>Hands the slot to the longest waiting write, or frees it.</summary>
    public void Release()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            if (!_waiting.TryDequeue(out next))
            {
                _free++;
                return;
            }
        }

        next.SetResult();
    }
}
