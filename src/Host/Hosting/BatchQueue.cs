using System.Threading.Channels;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Requests to the journal's database that are taken together: those that reach it while a batch is in flight go into
/// the next one (up to <c>limit</c>, counted by each request's weight; <c>loops</c> batches at once), as
/// Akka.Persistence.Sql's write queue takes writes. One batch is one round trip for many entities' writes or reads; a
/// batch that fails fails every request in it.
/// </summary>
/// <typeparam name="TRequest">What one caller asks for.</typeparam>
/// <typeparam name="TResult">What it gets back.</typeparam>
internal sealed class BatchQueue<TRequest, TResult>
{
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<Func<TRequest, TResult>>> _run;
    private readonly Func<TRequest, int> _weight;
    private readonly int _limit;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    // The batches running now: what Stop waits for. Guarded by _gate, as is _stopped.
    private readonly HashSet<Task> _inFlight = [];
    private bool _stopped;

    /// <param name="run">Runs one batch; returns each of its requests' results.</param>
    /// <param name="weight">How much of the batch's limit a request takes.</param>
    /// <param name="limit">The most a batch takes (a request heavier than that goes alone).</param>
    /// <param name="loops">Batches in flight at once.</param>
    public BatchQueue(Func<IReadOnlyList<TRequest>, CancellationToken, Task<Func<TRequest, TResult>>> run, Func<TRequest, int> weight, int limit, int loops)
    {
        _run = run;
        _weight = weight;
        _limit = limit;
        for (var i = 0; i < loops; i++)
        {
            _ = Task.Run(LoopAsync);
        }
    }

    /// <summary>Completes with the request's result once its batch has run; fails with the batch's error if it failed.</summary>
    public Task<TResult> EnqueueAsync(TRequest request)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Done.SetException(new InvalidOperationException("the journal is stopping; the request was not queued"));
        }

        return pending.Done.Task;
    }

    /// <summary>
    /// Stops, as the stock journal does when it stops: the batch in flight is cancelled (a write's transaction not
    /// committed) and every request still queued fails, so that nothing touches the database once the journal has stopped.
    /// Waits for the batches already running (up to 5 s) and for nothing else: an idle loop's wake-up is queued to the
    /// thread pool, whose threads the stopping journal and snapshot store block here, and an idle loop touches nothing.
    /// A batch a loop takes after the stop fails without running.
    /// </summary>
    public void Stop()
    {
        Task[] running;
        lock (_gate)
        {
            _stopped = true;
            running = [.. _inFlight];
        }

        _queue.Writer.TryComplete();
        _stopping.Cancel();
        Task.WaitAll(running, TimeSpan.FromSeconds(5));
        while (_queue.Reader.TryRead(out var pending))
        {
            Cancel(pending);
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<Pending>();
        while (await WaitToReadAsync())
        {
            batch.Clear();
            var taken = 0;
            while (taken < _limit && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                taken += _weight(pending.Request);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var running = new TaskCompletionSource();
            if (!TryStart(running.Task))
            {
                batch.ForEach(Cancel);
                continue;
            }

            try
            {
                var results = await _run(batch.ConvertAll(p => p.Request), _stopping.Token);
                batch.ForEach(p => p.Done.TrySetResult(results(p.Request)));
            }
            catch (Exception e)
            {
                batch.ForEach(p => p.Done.TrySetException(e));
            }
            finally
            {
                lock (_gate)
                {
                    _inFlight.Remove(running.Task);
                }

                running.SetResult();
            }
        }
    }

    // Counts a batch in flight unless the queue has stopped: Stop then waits for it, or it does not run.
    private bool TryStart(Task running)
    {
        lock (_gate)
        {
            return !_stopped && _inFlight.Add(running);
        }
    }

    private void Cancel(Pending pending) => pending.Done.TrySetCanceled(_stopping.Token);

    private async Task<bool> WaitToReadAsync()
    {
        try
        {
            return await _queue.Reader.WaitToReadAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Done);
}
