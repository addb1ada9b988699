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
    private readonly Task[] _loops;

    /// <param name="run">Runs one batch; returns each of its requests' results.</param>
    /// <param name="weight">How much of the batch's limit a request takes.</param>
    /// <param name="limit">The most a batch takes (a request heavier than that goes alone).</param>
    /// <param name="loops">Batches in flight at once.</param>
    public BatchQueue(Func<IReadOnlyList<TRequest>, CancellationToken, Task<Func<TRequest, TResult>>> run, Func<TRequest, int> weight, int limit, int loops)
    {
        _run = run;
        _weight = weight;
        _limit = limit;
        _loops = Enumerable.Range(0, loops).Select(_ => Task.Run(LoopAsync)).ToArray();
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
    /// </summary>
    public void Stop()
    {
        _queue.Writer.TryComplete();
        _stopping.Cancel();
        Task.WaitAll(_loops, TimeSpan.FromSeconds(5));
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Done.TrySetCanceled(_stopping.Token);
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

            try
            {
                var results = await _run(batch.ConvertAll(p => p.Request), _stopping.Token);
                batch.ForEach(p => p.Done.TrySetResult(results(p.Request)));
            }
            catch (Exception e)
            {
                batch.ForEach(p => p.Done.TrySetException(e));
            }
        }
    }

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
