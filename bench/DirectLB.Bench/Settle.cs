using System.Diagnostics;

namespace DirectLB.Bench;

/// <summary>Waits for the system under measurement to stop doing something before a figure is read.</summary>
public static class Settle
{
    /// <summary>
    /// Waits until <paramref name="read"/> has stayed the same for <paramref name="quiet"/> and, if given,
    /// <paramref name="settled"/> holds for it; false when <paramref name="within"/> passed first.
    /// </summary>
    public static async Task<bool> UntilQuietAsync<T>(Func<T> read, TimeSpan quiet, TimeSpan within, Func<T, Task<bool>>? settled = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * within.TotalSeconds);
        var last = read();
        var quietSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100);
            var now = read();
            if (!EqualityComparer<T>.Default.Equals(now, last))
            {
                (last, quietSince) = (now, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(quietSince) >= quiet && (settled is null || await settled(now)))
            {
                return true;
            }
        }

        return false;
    }
}
