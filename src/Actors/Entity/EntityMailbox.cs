using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace DirectLB.Actors.Entity;

/// <summary>
/// The Service entities' mailbox: unbounded and deque-based as a persistent actor's stash needs, as Akka's
/// <see cref="UnboundedDequeBasedMailbox"/>, but sized for an actor that is mostly idle. Akka's queue is a
/// <c>ConcurrentQueue</c>, whose first segment holds 32 messages from the start: about 1 KiB per entity, 10 MiB of a
/// 10,000-Service replica's heap for queues that are almost always empty (docs/benchmarks.md, "What the host keeps during a cold start").
/// This one starts empty and grows with what it holds; a lock guards it, taken once per message sent or received.
/// </summary>
public sealed class EntityMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<EntityMessageQueue>
{
    /// <summary>The mailbox's configuration path; the entities' props name it, the Host adds <see cref="Hocon"/>.</summary>
    public const string Path = "directlb.entity-mailbox";

    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        {{Path}}.mailbox-type = "{{typeof(EntityMailbox).AssemblyQualifiedName}}"
        """);

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new EntityMessageQueue();
}

/// <summary>
/// A FIFO of envelopes behind a lock, plus the stash's prepend buffer, which only the actor itself touches (on unstash,
/// between two of its messages), as in Akka's <c>DequeWrapperMessageQueue</c>.
/// </summary>
public sealed class EntityMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private readonly Queue<Envelope> _queue = new();
    private Stack<Envelope>? _prepended;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope);
            Interlocked.Increment(ref _count);
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        (_prepended ??= new Stack<Envelope>()).Push(envelope);
        Interlocked.Increment(ref _count);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (_prepended is { Count: > 0 } prepended)
        {
            envelope = prepended.Pop();
            Interlocked.Decrement(ref _count);
            return true;
        }

        lock (_queue)
        {
            if (!_queue.TryDequeue(out envelope))
            {
                return false;
            }

            Interlocked.Decrement(ref _count);
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}
