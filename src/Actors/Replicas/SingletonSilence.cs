namespace DirectLB.Actors.Replicas;

/// <summary>What one look at the member-cluster singleton changed.</summary>
public enum SilenceChange
{
    /// <summary>Nothing worth a log line: it answered as before, or it has not been silent long enough yet.</summary>
    None,

    /// <summary>It has just been silent for the whole allowed time: warn, once.</summary>
    Silent,

    /// <summary>It answers again after a warning.</summary>
    Answering,
}

/// <summary>
/// Tells when the member-cluster singleton (the watchers of every member cluster) has not answered this replica for
/// long enough to warn about, and when it answers again. Akka.NET's own check, the singleton proxy's
/// <c>log-singleton-identification-failure</c>, reports a failure the moment the proxy starts looking, before any
/// answer can arrive (akkadotnet/akka.net#8568): at every start and every hand-over, healthy or not. It is off, and
/// this takes its place.
/// </summary>
public sealed class SingletonSilence(TimeSpan warnAfter, DateTimeOffset since)
{
    private DateTimeOffset _lastAnswer = since;
    private bool _warned;

    public TimeSpan WarnAfter => warnAfter;

    /// <summary>How long the singleton has not answered, as of <paramref name="now"/>.</summary>
    public TimeSpan SilentFor(DateTimeOffset now) => now - _lastAnswer;

    /// <summary>Records one look: whether the singleton answered at <paramref name="now"/>.</summary>
    public SilenceChange Observe(bool answered, DateTimeOffset now)
    {
        if (answered)
        {
            _lastAnswer = now;
            var wasWarned = _warned;
            _warned = false;
            return wasWarned ? SilenceChange.Answering : SilenceChange.None;
        }

        if (_warned || SilentFor(now) < warnAfter)
        {
            return SilenceChange.None;
        }

        _warned = true;
        return SilenceChange.Silent;
    }
}
