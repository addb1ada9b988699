using Akka.Actor;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// How an informer's reports reach the actor that owns it: as messages, so the actor's state is only touched inside
/// the actor, and at most <see cref="Capacity"/> of them waiting in its mailbox at once. The informer waits for a
/// free place before it tells the next one, and the actor frees one as it handles each (<see cref="InformerReport{T}.Handle"/>).
/// A busy actor therefore slows the informer, which stops reading its watch, which the API server then feels: a
/// slow consumer costs latency, not a mailbox that grows without bound.
/// </summary>
public sealed class InformerInbox(IActorRef owner, int capacity = InformerInbox.DefaultCapacity)
{
    /// <summary>Large enough that a healthy actor never makes its informer wait, small enough to be a few MiB at most.</summary>
    public const int DefaultCapacity = 1_000;

    private readonly SemaphoreSlim _free = new(capacity, capacity);

    public int Capacity => capacity;

    /// <summary>Reports told to the actor and not yet handled.</summary>
    public int Waiting => capacity - _free.CurrentCount;

    /// <summary>Tells the actor the report once there is room; the informer's emit.</summary>
    public async ValueTask TellAsync<T>(InformerEvent<T> report, CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
        owner.Tell(new InformerReport<T>(report, this));
    }

    internal void Release() => _free.Release();
}

/// <summary>An informer's report as its actor receives it, with the inbox it came through.</summary>
public sealed record InformerReport<T>(InformerEvent<T> Event, InformerInbox Inbox)
{
    /// <summary>Handles the report and frees its place in the inbox, whatever the handler does.</summary>
    public void Handle(Action<InformerEvent<T>> handler)
    {
        try
        {
            handler(Event);
        }
        finally
        {
            Inbox.Release();
        }
    }
}
