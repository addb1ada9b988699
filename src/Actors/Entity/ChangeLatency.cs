namespace DirectLB.Actors.Entity;

/// <summary>
/// Which watch events a provider call confirms, for <c>directlb_event_to_applied_seconds</c>; pure, the entity feeds
/// it (ServiceLoadBalancer.OutsideCalls.cs). A call carries out the plan made from every change that had arrived when
/// it started, so its success confirms those changes, measured from the oldest of them. A change that arrives while
/// the call is in flight waits for the next call and is measured from its own arrival, not from the first change of a
/// streak in which the entity never got back in sync. A failed call keeps its changes for the retry.
/// </summary>
public readonly record struct ChangeLatency(DateTimeOffset? OldestWaiting, DateTimeOffset? OldestInCall)
{
    public static ChangeLatency None { get; } = new(null, null);

    /// <summary>A watch event that arrived at the watcher at <paramref name="arrivedAt"/> changed the Service's view.</summary>
    public ChangeLatency Changed(DateTimeOffset arrivedAt) =>
        this with { OldestWaiting = Oldest(OldestWaiting, arrivedAt) };

    /// <summary>A provider call starts: it acts on every change that has arrived so far.</summary>
    public ChangeLatency CallStarted() =>
        new(null, OldestWaiting is { } waiting ? Oldest(OldestInCall, waiting) : OldestInCall);

    /// <summary>The call succeeded at <paramref name="now"/>: how long its oldest change waited, if it carried one.</summary>
    public (ChangeLatency Next, TimeSpan? Latency) CallSucceeded(DateTimeOffset now) =>
        (this with { OldestInCall = null }, OldestInCall is { } oldest ? Max(now - oldest, TimeSpan.Zero) : null);

    /// <summary>The load balancer is in sync with no call: changes still waiting needed none and confirm nothing.</summary>
    public ChangeLatency InSync() => this with { OldestWaiting = null };

    private static DateTimeOffset Oldest(DateTimeOffset? known, DateTimeOffset candidate) =>
        known is { } k && k <= candidate ? k : candidate;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
