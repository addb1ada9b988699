using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Hosting;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// How the journal's batch queue (<see cref="BatchQueue{TRequest,TResult}"/>) stops, which the journal and the snapshot
/// store do in their <c>PostStop</c>: nothing touches the database once it has returned, and what was still queued
/// fails without running.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class BatchQueueStopTests
{
    [Fact]
    public async Task Stopping_returns_only_once_the_batch_in_flight_has_ended()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rolledBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopReturned = 0;
        int? stopHadReturnedWhenTheBatchEnded = null;
        var queue = new BatchQueue<int, int>(async (_, token) =>
        {
            started.SetResult();
            using var registration = token.Register(() => cancelled.TrySetResult());
            await cancelled.Task;
            // The database is still rolling the cancelled transaction back.
            await rolledBack.Task;
            stopHadReturnedWhenTheBatchEnded = Volatile.Read(ref stopReturned);
            throw new OperationCanceledException(token);
        }, _ => 1, limit: 10, loops: 1);
        var write = queue.EnqueueAsync(1);
        await started.Task;

        var stopper = new Thread(() =>
        {
            queue.Stop();
            Volatile.Write(ref stopReturned, 1);
        });
        stopper.Start();
        await cancelled.Task;
        // The stop has either returned already (it did not wait) or blocks on the batch: the rollback ends only then.
        await Eventually.Until(
            () => Volatile.Read(ref stopReturned) == 1 || stopper.ThreadState.HasFlag(ThreadState.WaitSleepJoin),
            "the stop has returned or waits");
        rolledBack.SetResult();

        Assert.True(stopper.Join(Eventually.DefaultDeadline), "the stop did not return");
        Assert.Equal(0, stopHadReturnedWhenTheBatchEnded);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
    }

    [Fact]
    public async Task Stopping_fails_what_is_still_queued_without_running_it_and_refuses_what_comes_after()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        var queue = new BatchQueue<int, int>(async (batch, token) =>
        {
            Interlocked.Increment(ref runs);
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return request => request;
        }, _ => 1, limit: 1, loops: 1);
        var inFlight = queue.EnqueueAsync(1);
        await started.Task;
        var queued = new[] { 2, 3, 4 }.Select(queue.EnqueueAsync).ToList();

        queue.Stop();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inFlight);
        foreach (var request in queued)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.EnqueueAsync(5));
        Assert.Equal(1, Volatile.Read(ref runs));
    }
}
