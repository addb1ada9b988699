using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>Windows of traffic in which the pod set does not change, and the equal shares the pods must get in them.</summary>
public static class TrafficWindows
{
    /// <summary>Every pod's share of new connections is within this of an equal share.</summary>
    public const double Tolerance = 0.10;

    /// <summary>Counts <paramref name="requests"/> new-connection requests, prints them, and checks every ready pod and only they answered.</summary>
    public static async Task<TrafficCounts> SteadyAsync(LoadGenerator load, PodSet pods, int requests, ITestOutputHelper output, string label = "")
    {
        var start = load.Snapshot();
        await load.AnsweredAsync(requests, start);
        var window = load.Snapshot().Since(start);
        output.WriteLine($"steady window{label} over {pods.Ready.Count} ready pods: {window}");
        Assert.Equal(pods.Ready.Select(p => p.Name).Order(), window.NewConnection.Keys.Order());
        return window;
    }

    public static void AssertEqualShares(TrafficCounts window, int pods)
    {
        Assert.Equal(pods, window.NewConnection.Count);
        var equal = 1.0 / pods;
        Assert.All(window.NewConnectionShares(), share => Assert.InRange(share.Value, equal * (1 - Tolerance), equal * (1 + Tolerance)));
    }
}
