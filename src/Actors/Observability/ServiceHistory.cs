using System.Collections.Immutable;
using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Observability;

/// <summary>
/// What the status view shows of a Service's recent past on its owner: its last Kubernetes Events and how long its
/// last reconcile rounds took. Bounded per Service (<see cref="MaxEvents"/> Events with messages cut at
/// <see cref="MaxMessage"/> characters, <see cref="MaxSamples"/> samples within <see cref="Window"/>): 3.4 KB per
/// Service at that bound, 0.4 KB for a typical one (README, "The status page"). It starts afresh on a new owner
/// (Kubernetes keeps the Events themselves).
/// </summary>
public sealed record ServiceHistory(ImmutableArray<EventRow> Events, ImmutableArray<LatencySample> Latency)
{
    public const int MaxEvents = 5;
    public const int MaxMessage = 200;
    public const int MaxSamples = 30;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    public static ServiceHistory Empty { get; } = new([], []);

    /// <summary>
    /// The newest Events first. The same Event again (a retry failing the same way, or one Event told to two member
    /// clusters) is counted on the newest row, as Kubernetes counts repeated Events.
    /// </summary>
    public ServiceHistory WithEvent(ServiceEvent e, DateTimeOffset at)
    {
        var row = new EventRow(at, e.IsWarning ? "Warning" : "Normal", e.Reason, Cut(e.Message, MaxMessage), 1);
        return Events.Length > 0 && Events[0] with { At = at, Count = 1 } == row
            ? this with { Events = Events.SetItem(0, row with { Count = Events[0].Count + 1 }) }
            : this with { Events = [row, .. Events.Take(MaxEvents - 1)] };
    }

    /// <summary>Oldest first; samples older than the window, or beyond the cap, are dropped.</summary>
    public ServiceHistory WithReconcile(DateTimeOffset at, TimeSpan took) =>
        this with { Latency = [.. Latency.Where(s => s.At > at - Window).TakeLast(MaxSamples - 1), new LatencySample(at, Math.Round(took.TotalSeconds, 4))] };

    public static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}

/// <summary>A Kubernetes Event as DirectLB recorded it for a Service: the last time, and how many times in a row.</summary>
public sealed record EventRow(DateTimeOffset At, string Type, string Reason, string Message, int Count);

/// <summary>One reconcile round that changed the load balancer: when it ended and how long it took, in seconds.</summary>
public readonly record struct LatencySample(DateTimeOffset At, double Seconds);
