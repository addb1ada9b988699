using DirectLB.Actors.Kubernetes;

namespace DirectLB.Tests.Kubernetes;

/// <summary>The writer's slots per member cluster: a bound, arrival order, and a turn handed over on release.</summary>
public sealed class WriteSlotsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writes_past_the_bound_wait_and_get_their_turns_in_the_order_they_asked()
    {
        var slots = new WriteSlots(2);
        Assert.True(slots.TryTake());
        Assert.True(slots.TryTake());
        Assert.False(slots.TryTake());

        var turns = new List<int>();
        var waits = Enumerable.Range(1, 4).Select(i => slots.WaitAsync().ContinueWith(_ => { lock (turns) { turns.Add(i); } }, TaskScheduler.Default)).ToList();
        Assert.All(waits, w => Assert.False(w.IsCompleted));

        for (var i = 1; i <= 4; i++)
        {
            slots.Release();
            await waits[i - 1].WaitAsync(Deadline);
        }

        Assert.Equal([1, 2, 3, 4], turns);
    }

    [Fact]
    public async Task A_slot_released_with_nobody_waiting_is_free_for_the_next_write()
    {
        var slots = new WriteSlots(1);
        await slots.WaitAsync().WaitAsync(Deadline);
        var next = slots.WaitAsync();
        Assert.False(next.IsCompleted);

        slots.Release(); // handed to the waiting write
        await next.WaitAsync(Deadline);
        Assert.False(slots.TryTake());
        slots.Release(); // freed
        Assert.True(slots.TryTake());
    }

    [Fact]
    public async Task At_most_the_bound_run_at_once_under_many_concurrent_writes()
    {
        var slots = new WriteSlots(3);
        var running = 0;
        var most = 0;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            if (!slots.TryTake())
            {
                await slots.WaitAsync();
            }

            try
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Yield();
                Interlocked.Decrement(ref running);
            }
            finally
            {
                slots.Release();
            }
        })).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.InRange(most, 1, 3);
        Assert.Equal(0, running);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
