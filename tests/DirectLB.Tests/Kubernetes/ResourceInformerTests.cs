using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Kubernetes;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace DirectLB.Tests.Kubernetes;

/// <summary>
/// The informer against a real API test server: what it keeps of each object is the projection's view, so the
/// client's objects (a V1EndpointSlice with its endpoints is several KB) are garbage once projected; and a projection
/// that fails on one object costs that object only, keeping its last good view.
/// </summary>
public sealed class ResourceInformerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly List<WeakReference<V1Service>> _seen = [];
    private readonly Channel<InformerEvent<WatchedService>> _reports = Channel.CreateUnbounded<InformerEvent<WatchedService>>();
    private readonly CancellationTokenSource _stop = new();
    private readonly SnapshotMapper _mapper = new();
    private WatcherApi _api = null!;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync() => _api = await WatcherApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Keeps_only_the_projected_view_so_the_client_objects_can_be_collected()
    {
        Create("web");
        Create("api");
        Start(_mapper.ToWatched);

        Assert.Equal(["api", "web"], (await UpsertsUntilSynced()).Select(s => s.Key.Name).Order());

        // The informer reports "synced" from inside its list, and in the Debug build the tests run its state machine
        // keeps every local, the page among them, until the list returns: a change reported from the watch says it has
        // (CI once counted both objects alive right after "synced").
        Create("next");
        Assert.Equal("next", Assert.IsType<ObjectUpserted<WatchedService>>(await Next()).Object.Key.Name);

        Assert.Equal(0, LiveClientObjects());
    }

    [Fact]
    public async Task An_informer_that_reports_whole_objects_keeps_them_alive()
    {
        // The contrast that shows the check above can fail: the cache of whole objects holds every one listed.
        Create("web");
        Create("api");
        var whole = new ResourceInformer<V1Service, V1ServiceList>("east/services", List, Watch, new InformerOptions(), NullLogger.Instance);
        var reports = Channel.CreateUnbounded<InformerEvent<V1Service>>();
        _running = Task.Run(() => whole.RunAsync((e, ct) => reports.Writer.WriteAsync(e, ct), _stop.Token));
        while (await reports.Reader.ReadAsync().AsTask().WaitAsync(Deadline) is not InformerSynced<V1Service>)
        {
        }

        Assert.Equal(2, LiveClientObjects());
    }

    [Fact]
    public async Task A_Service_the_projection_cannot_read_is_skipped_and_keeps_its_last_good_view()
    {
        Create("web");
        Create("bad");
        Start(service => service.Metadata.Labels?.ContainsKey("broken") == true ? throw new FormatException("unreadable") : _mapper.ToWatched(service));
        Assert.Equal(["bad", "web"], (await UpsertsUntilSynced()).Select(s => s.Key.Name).Order());

        // A change the projection cannot read is not reported; the watch goes on (the next change arrives) and the
        // Service, when deleted, is reported gone with the last view that was good.
        var good = _api.Server.Store.Get<V1Service>("shop", "bad")!;
        good.Metadata.Labels = new Dictionary<string, string> { ["broken"] = "yes" };
        _api.Server.Store.Replace(good);
        Create("next");
        var next = Assert.IsType<ObjectUpserted<WatchedService>>(await Next());
        Assert.Equal("next", next.Object.Key.Name);
        _api.Server.Store.Delete<V1Service>("shop", "bad");
        var gone = Assert.IsType<ObjectDeleted<WatchedService>>(await Next());
        Assert.Equal(("bad", "LoadBalancer"), (gone.Object.Key.Name, gone.Object.Snapshot.Type));
    }

    private void Start(Func<V1Service, WatchedService?> project)
    {
        var informer = new ResourceInformer<V1Service, V1ServiceList, WatchedService>("east/services", List, Watch, new InformerOptions(), NullLogger.Instance, project);
        _running = Task.Run(() => informer.RunAsync((e, ct) => _reports.Writer.WriteAsync(e, ct), _stop.Token));
    }

    /// <summary>Lists through the real client, noting each object it hands the informer.</summary>
    private async Task<V1ServiceList> List(string? next, int limit, CancellationToken cancellationToken)
    {
        var page = await _api.Client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: next, limit: limit, cancellationToken: cancellationToken);
        lock (_seen)
        {
            _seen.AddRange(page.Items.Select(item => new WeakReference<V1Service>(item)));
        }

        return page;
    }

    private IAsyncEnumerable<(WatchEventType, V1Service)> Watch(string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken) =>
        _api.Client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);

    private async Task<List<WatchedService>> UpsertsUntilSynced()
    {
        var upserted = new List<WatchedService>();
        while (await Next() is var report and not InformerSynced<WatchedService>)
        {
            upserted.Add(Assert.IsType<ObjectUpserted<WatchedService>>(report).Object);
        }

        return upserted;
    }

    private async Task<InformerEvent<WatchedService>> Next() => await _reports.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int LiveClientObjects()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        lock (_seen)
        {
            return _seen.Count(w => w.TryGetTarget(out _));
        }
    }

    private void Create(string name) => _api.Server.Store.Create(new V1Service
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" },
        Spec = new V1ServiceSpec
        {
            Type = "LoadBalancer",
            LoadBalancerClass = ServiceClassFilter.DefaultClass,
            Selector = new Dictionary<string, string> { ["app"] = name },
            Ports = [new V1ServicePort { Name = "http", Port = 80 }],
        },
    });
}
