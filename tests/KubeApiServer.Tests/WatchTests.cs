using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

public sealed class WatchTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private WatchRecorder<V1Service> WatchServices(string? resourceVersion, bool bookmarks = false, string? labelSelector = null, int? timeoutSeconds = null) =>
        WatchRecorder<V1Service>.Start((onError, ct) => _cluster.Client.CoreV1.WatchListServiceForAllNamespacesAsync(
            allowWatchBookmarks: bookmarks, labelSelector: labelSelector, resourceVersion: resourceVersion,
            timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct));

    [Fact]
    public async Task Watch_from_a_list_resource_version_sees_added_modified_deleted()
    {
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "before"), "default");
        var list = await _cluster.Client.CoreV1.ListServiceForAllNamespacesAsync();
        await using var watch = WatchServices(list.Metadata.ResourceVersion);

        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        var patched = await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default");
        var deleted = await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");

        var added = await watch.NextAsync();
        var modified = await watch.NextAsync();
        var gone = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, created.Metadata.ResourceVersion), (added.Type, added.Object.Metadata.ResourceVersion));
        Assert.Equal((WatchEventType.Modified, patched.Metadata.ResourceVersion), (modified.Type, modified.Object.Metadata.ResourceVersion));
        Assert.Equal("y", modified.Object.Metadata.Labels["x"]);
        Assert.Equal(WatchEventType.Deleted, gone.Type);
        Assert.Equal(deleted.Metadata.ResourceVersion, gone.Object.Metadata.ResourceVersion);
        Assert.True(long.Parse(gone.Object.Metadata.ResourceVersion) > long.Parse(patched.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_without_resource_version_replays_current_objects_as_added()
    {
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("a", "one"), "a");
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("b", "two"), "b");
        await using var watch = WatchServices(resourceVersion: null);

        var first = await watch.NextAsync();
        var second = await watch.NextAsync();
        _cluster.Server.Store.Create(TestCluster.Service("c", "three"));
        var live = await watch.NextAsync();

        Assert.Equal([(WatchEventType.Added, "one"), (WatchEventType.Added, "two"), (WatchEventType.Added, "three")],
            new[] { first, second, live }.Select(e => (e.Type, e.Object.Metadata.Name)));
    }

    [Fact]
    public async Task Watch_from_an_older_resource_version_replays_history()
    {
        // "0" would mean "current state", so make sure the revision just before the service is a real one.
        await _cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "first" } }, "default");
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");
        var sinceStart = (long.Parse(created.Metadata.ResourceVersion) - 1).ToString();

        await using var watch = WatchServices(sinceStart);

        Assert.Equal(WatchEventType.Added, (await watch.NextAsync()).Type);
        Assert.Equal(WatchEventType.Deleted, (await watch.NextAsync()).Type);
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_resource_version()
    {
        await using var watch = WatchServices(resourceVersion: null, bookmarks: true);
        await _cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "unrelated" } }, "default");
        var current = _cluster.Server.Store.ResourceVersion.ToString();

        (WatchEventType Type, V1Service Object) bookmark;
        do
        {
            bookmark = await watch.NextAsync(includeBookmarks: true);
            Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        }
        while (bookmark.Object.Metadata.ResourceVersion != current);
        Assert.Equal(("Service", "v1"), (bookmark.Object.Kind, bookmark.Object.ApiVersion));
    }

    [Fact]
    public async Task Resuming_from_compacted_history_gets_410_Expired_and_the_stream_ends()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");
        _cluster.Server.CompactHistory();

        await using var watch = WatchServices(created.Metadata.ResourceVersion);

        var error = Assert.IsType<KubernetesException>(await watch.NextErrorAsync());
        Assert.Equal(410, error.Status.Code);
        Assert.Equal("Expired", error.Status.Reason);
        Assert.Equal($"too old resource version: {created.Metadata.ResourceVersion} ({_cluster.Server.Store.ResourceVersion})", error.Status.Message);
        await watch.WaitClosedAsync();
    }

    [Fact]
    public async Task Bounded_history_expires_old_resource_versions()
    {
        await using var cluster = await TestCluster.StartAsync(new KubeApiServerOptions
        {
            Store = new Store.ObjectStore(new Store.ObjectStoreOptions { HistoryCapacity = 2 }),
        });
        var versions = new[] { "s1", "s2", "s3", "s4" }
            .Select(name => cluster.Server.Store.Create(TestCluster.Service("default", name)).Metadata.ResourceVersion)
            .ToList();

        await using var tooOld = WatchRecorder<V1Service>.Start((onError, ct) =>
            cluster.Client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: versions[0], onError: onError, cancellationToken: ct));
        await using var recent = WatchRecorder<V1Service>.Start((onError, ct) =>
            cluster.Client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: versions[1], onError: onError, cancellationToken: ct));

        Assert.Equal(410, Assert.IsType<KubernetesException>(await tooOld.NextErrorAsync()).Status.Code);
        Assert.Equal(["s3", "s4"], new[] { (await recent.NextAsync()).Object.Metadata.Name, (await recent.NextAsync()).Object.Metadata.Name });
    }

    [Fact]
    public async Task Label_selector_turns_entering_and_leaving_the_selection_into_added_and_deleted()
    {
        var created = _cluster.Server.Store.Create(TestCluster.Service("default", "web"));
        await using var watch = WatchServices(created.Metadata.ResourceVersion, labelSelector: "lb=yes");

        _cluster.Server.Store.Patch<V1Service>("default", "web", Patching.PatchType.Merge, """{"metadata":{"labels":{"lb":"yes"}}}""");
        _cluster.Server.Store.Patch<V1Service>("default", "web", Patching.PatchType.Merge, """{"metadata":{"labels":{"lb":"yes","other":"1"}}}""");
        _cluster.Server.Store.Patch<V1Service>("default", "web", Patching.PatchType.Merge, """{"metadata":{"labels":{"lb":null}}}""");
        _cluster.Server.Store.Create(TestCluster.Service("default", "unlabelled"));
        _cluster.Server.Store.Create(TestCluster.Service("default", "labelled", new Dictionary<string, string> { ["lb"] = "yes" }));

        var events = new List<(WatchEventType, string)>();
        for (var i = 0; i < 4; i++)
        {
            var e = await watch.NextAsync();
            events.Add((e.Type, e.Object.Metadata.Name));
        }
        Assert.Equal([(WatchEventType.Added, "web"), (WatchEventType.Modified, "web"), (WatchEventType.Deleted, "web"), (WatchEventType.Added, "labelled")], events);
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream()
    {
        await using var watch = WatchServices(resourceVersion: null, timeoutSeconds: 1);
        await watch.WaitClosedAsync();
    }

    [Fact]
    public async Task Dropped_watches_end_and_a_resumed_watch_misses_nothing()
    {
        await using var watch = WatchServices(resourceVersion: null);
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        Assert.Equal(WatchEventType.Added, (await watch.NextAsync()).Type);

        _cluster.Server.DropWatches();
        await watch.WaitClosedAsync();
        await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");

        await using var resumed = WatchServices(created.Metadata.ResourceVersion);
        Assert.Equal(WatchEventType.Deleted, (await resumed.NextAsync()).Type);
    }

    [Fact]
    public async Task Namespaced_watch_sees_only_its_namespace()
    {
        await using var watch = WatchRecorder<V1Service>.Start((onError, ct) =>
            _cluster.Client.CoreV1.WatchListNamespacedServiceAsync("b", onError: onError, cancellationToken: ct));
        _cluster.Server.Store.Create(TestCluster.Service("a", "one"));
        _cluster.Server.Store.Create(TestCluster.Service("b", "two"));

        Assert.Equal("two", (await watch.NextAsync()).Object.Metadata.Name);
    }

    [Fact]
    public async Task Http_watch_of_an_unknown_resource_version_format_is_400()
    {
        await ApiAssert.FailsWithAsync(400, "BadRequest", () =>
            _cluster.Client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(watch: true, resourceVersion: "abc"));
    }
}
