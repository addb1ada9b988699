namespace DirectLB.Actors.Entity;

/// <summary>
/// When a change may be acted on; pure, the entity's phases carry it out (ServiceLoadBalancer.Phases.cs). Each call
/// that changed the load balancer or the Service opens a window of one debounce. A change that finds no window open is
/// acted on at once (leading edge); one that finds it open waits for it to close, together with every change that
/// arrives meanwhile (trailing), so a burst costs at most one such call per window:
/// <code>
///   Closed ──change──▶ act now ───────────────────────────────────────▶ call ends ──▶ Open
///   Open ──change──▶ wait (Debouncing), gathering ──window closes──▶ act on them all ──▶ call ends ──▶ Open
///   Open ──a window passes with no change──▶ Closed
/// </code>
/// Work that changes nothing (a read-back, a plan that finds the load balancer in sync) opens no window.
/// </summary>
public readonly record struct DebounceWindow(DateTimeOffset ClosesAt)
{
    public static DebounceWindow Closed { get; } = new(DateTimeOffset.MinValue);

    /// <summary>The window a call that ended at <paramref name="at"/> opens.</summary>
    public static DebounceWindow After(DateTimeOffset at, TimeSpan debounce) => new(at + debounce);

    /// <summary>How long a change that arrives at <paramref name="now"/> waits before it is acted on: zero once the window has closed.</summary>
    public TimeSpan WaitAt(DateTimeOffset now) => ClosesAt > now ? ClosesAt - now : TimeSpan.Zero;
}
