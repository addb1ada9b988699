using System.Globalization;
using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Selectors;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>A watch whose client reads slowly costs the store a bounded buffer, never memory without limit.</summary>
public sealed class WatchBufferTests
{
    private const int Capacity = 100;
    private readonly ObjectStore _store = new(new ObjectStoreOptions { WatchBufferCapacity = Capacity });

    [Fact]
    public void A_watch_whose_client_stops_reading_is_closed_at_its_buffer_and_resumes_without_losing_an_event()
    {
        using var watch = Watch(_store.ResourceVersion);

        CreateServices(0, 1_000);

        Assert.True(watch.ClosedForLag);
        Assert.Equal(Capacity, watch.Lines.Count);
        Assert.Equal(1, _store.WatchesClosedForLag);
        // The client still gets what was queued, then the stream ends, as a closed watch does.
        var queued = Drain(watch);
        Assert.True(watch.Lines.Completion.IsCompleted);
        Assert.Equal(Names(0, Capacity), queued.Select(NameOf));
        // Resuming from the last resource version it saw replays everything after it.
        using var resumed = Watch(long.Parse(ResourceVersionOf(queued[^1]), CultureInfo.InvariantCulture));
        Assert.Equal(Names(Capacity, 1_000 - Capacity), Drain(resumed).Select(NameOf));
    }

    [Fact]
    public void A_resumed_watch_gets_its_whole_replay_and_the_buffer_bounds_only_what_comes_after()
    {
        var from = _store.ResourceVersion;
        CreateServices(0, 1_000);

        using var watch = Watch(from);
        Assert.Equal(1_000, watch.Lines.Count);
        CreateServices(1_000, Capacity);
        Assert.False(watch.ClosedForLag);
        CreateServices(1_000 + Capacity, 1);

        Assert.True(watch.ClosedForLag);
        Assert.Equal(1_000 + Capacity, watch.Lines.Count);
    }

    [Fact]
    public void Bookmarks_count_against_the_buffer_of_a_client_that_stopped_reading()
    {
        using var watch = Watch(_store.ResourceVersion);

        for (var i = 0; i <= Capacity; i++)
        {
            _store.Bookmark(watch);
        }

        Assert.True(watch.ClosedForLag);
        Assert.Equal(Capacity, watch.Lines.Count);
    }

    private WatchSubscription Watch(long resourceVersion) =>
        _store.Watch(_store.Resources.For(typeof(V1Service)), ObjectFilter.All, resourceVersion.ToString(CultureInfo.InvariantCulture));

    private void CreateServices(int first, int count)
    {
        foreach (var name in Names(first, count))
        {
            _store.Create(TestCluster.Service("default", name));
        }
    }

    private static IEnumerable<string> Names(int first, int count) => Enumerable.Range(first, count).Select(i => $"svc-{i:D4}");

    private static List<JsonObject> Drain(WatchSubscription watch)
    {
        var lines = new List<JsonObject>();
        while (watch.Lines.TryRead(out var line))
        {
            lines.Add(JsonNode.Parse(line)!.AsObject());
        }
        return lines;
    }

    private static string NameOf(JsonObject line) => line["object"]!["metadata"]!["name"]!.GetValue<string>();

    private static string ResourceVersionOf(JsonObject line) => line["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>();
}
