using Akka.Actor;
using DirectLB.Actors.Entity;

namespace DirectLB.Tests.Entity;

public class EntityMessageQueueTests
{
    [Fact]
    public void Messages_come_out_in_the_order_they_were_sent_after_those_put_back_first()
    {
        var queue = new EntityMessageQueue();
        Assert.False(queue.HasMessages);
        queue.Enqueue(ActorRefs.Nobody, Envelope("a"));
        queue.Enqueue(ActorRefs.Nobody, Envelope("b"));
        // Unstash puts its messages back in front, last first, so they come out in their original order.
        queue.EnqueueFirst(Envelope("stashed-2"));
        queue.EnqueueFirst(Envelope("stashed-1"));

        Assert.Equal(4, queue.Count);
        Assert.Equal(["stashed-1", "stashed-2", "a", "b"], Drain(queue));
        Assert.False(queue.HasMessages);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public async Task Messages_sent_from_many_threads_at_once_all_arrive_each_sender_s_in_order()
    {
        const int senders = 4;
        const int each = 20_000;
        var queue = new EntityMessageQueue();
        var received = new List<(int Sender, int Sequence)>();
        var consumer = Task.Run(() =>
        {
            while (received.Count < senders * each)
            {
                if (queue.TryDequeue(out var envelope))
                {
                    received.Add(((int, int))envelope.Message);
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
            {
                queue.Enqueue(ActorRefs.Nobody, new Envelope((s, i), ActorRefs.NoSender));
            }
        })));
        await consumer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, queue.Count);
        foreach (var bySender in received.GroupBy(r => r.Sender))
        {
            Assert.Equal(Enumerable.Range(0, each), bySender.Select(r => r.Sequence));
        }
    }

    [Fact]
    public void What_is_left_at_the_end_goes_to_the_dead_letters()
    {
        var queue = new EntityMessageQueue();
        var deadLetters = new EntityMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Envelope("a"));
        queue.EnqueueFirst(Envelope("stashed"));

        queue.CleanUp(ActorRefs.Nobody, deadLetters);

        Assert.False(queue.HasMessages);
        Assert.Equal(["stashed", "a"], Drain(deadLetters));
    }

    private static Envelope Envelope(string message) => new(message, ActorRefs.NoSender);

    private static List<string> Drain(EntityMessageQueue queue)
    {
        var messages = new List<string>();
        while (queue.TryDequeue(out var envelope))
        {
            messages.Add((string)envelope.Message);
        }

        return messages;
    }
}
