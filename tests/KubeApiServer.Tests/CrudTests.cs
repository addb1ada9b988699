using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

public sealed class CrudTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Create_sets_server_metadata_and_get_returns_it()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");

        Assert.Equal("Service", created.Kind);
        Assert.Equal("v1", created.ApiVersion);
        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.True(Guid.TryParse(created.Metadata.Uid, out _));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(_cluster.Server.Store.ResourceVersion.ToString(), created.Metadata.ResourceVersion);

        var fetched = await _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default");
        Assert.Equal(created.Metadata.Uid, fetched.Metadata.Uid);
        Assert.Equal("LoadBalancer", fetched.Spec.Type);
    }

    [Fact]
    public async Task Missing_object_is_a_404_status()
    {
        var status = await ApiAssert.FailsWithAsync(404, "NotFound",
            () => _cluster.Client.CoreV1.ReadNamespacedServiceAsync("nope", "default"));
        Assert.Equal("services \"nope\" not found", (string?)status["message"]);
    }

    [Fact]
    public async Task Creating_an_existing_object_is_a_409_AlreadyExists()
    {
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        await ApiAssert.FailsWithAsync(409, "AlreadyExists",
            () => _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default"));
    }

    [Fact]
    public async Task GenerateName_produces_a_unique_name()
    {
        var secret = new V1Secret { Metadata = new V1ObjectMeta { GenerateName = "token-" } };
        var a = await _cluster.Client.CoreV1.CreateNamespacedSecretAsync(secret, "default");
        var b = await _cluster.Client.CoreV1.CreateNamespacedSecretAsync(secret, "default");

        Assert.StartsWith("token-", a.Metadata.Name);
        Assert.Equal("token-".Length + 5, a.Metadata.Name.Length);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    }

    [Fact]
    public async Task Every_write_bumps_the_global_resource_version()
    {
        var a = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("a", "one"), "a");
        var b = await _cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "b");
        var c = await _cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "ns" } });

        var versions = new[] { a, (IMetadata<V1ObjectMeta>)b, c }.Select(o => long.Parse(o.Metadata.ResourceVersion)).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(3, versions.Distinct().Count());
        Assert.Null(c.Metadata.NamespaceProperty);
    }

    [Fact]
    public async Task List_carries_kinds_and_the_current_resource_version()
    {
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("a", "one"), "a");
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("b", "two"), "b");

        var all = await _cluster.Client.CoreV1.ListServiceForAllNamespacesAsync();
        var inA = await _cluster.Client.CoreV1.ListNamespacedServiceAsync("a");

        Assert.Equal(["one", "two"], all.Items.Select(s => s.Metadata.Name));
        Assert.All(all.Items, s => Assert.Equal(("v1", "Service"), (s.ApiVersion, s.Kind)));
        Assert.Equal("ServiceList", all.Kind);
        Assert.Equal(_cluster.Server.Store.ResourceVersion.ToString(), all.Metadata.ResourceVersion);
        Assert.Equal(["one"], inA.Items.Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task List_filters_by_label_and_field_selectors()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("a", "web", labels), "a");
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("a", "db", new Dictionary<string, string> { ["app"] = "db" }), "a");
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("b", "bare"), "b");

        async Task<IEnumerable<string>> Names(string? labelSelector = null, string? fieldSelector = null) =>
            (await _cluster.Client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: labelSelector, fieldSelector: fieldSelector))
                .Items.Select(s => s.Metadata.Name);

        Assert.Equal(["web"], await Names("app=web"));
        Assert.Equal(["web"], await Names("app==web,tier"));
        Assert.Equal(["bare", "db"], (await Names("app!=web")).Order());
        Assert.Equal(["bare"], await Names("!app"));
        Assert.Equal(["db", "web"], (await Names("app in (web, db)")).Order());
        Assert.Equal(["bare"], await Names("app notin (web,db)"));
        Assert.Equal(["db"], await Names(fieldSelector: "metadata.name=db"));
        Assert.Equal(["bare"], await Names(fieldSelector: "metadata.namespace!=a"));
        await ApiAssert.FailsWithAsync(400, "BadRequest",
            () => _cluster.Client.CoreV1.ListServiceForAllNamespacesAsync(fieldSelector: "spec.type=LoadBalancer"));
    }

    [Fact]
    public async Task Pagination_walks_a_consistent_snapshot()
    {
        foreach (var name in new[] { "s1", "s2", "s3", "s4", "s5" })
        {
            await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", name), "default");
        }

        var first = await _cluster.Client.CoreV1.ListNamespacedServiceAsync("default", limit: 2);
        // Changes after the first page must not show up in later pages: they belong to a newer revision.
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "s6"), "default");
        await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("s4", "default");
        var second = await _cluster.Client.CoreV1.ListNamespacedServiceAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty);
        var third = await _cluster.Client.CoreV1.ListNamespacedServiceAsync("default", limit: 2, continueParameter: second.Metadata.ContinueProperty);

        Assert.Equal(["s1", "s2"], first.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["s3", "s4"], second.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["s5"], third.Items.Select(s => s.Metadata.Name));
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Equal(first.Metadata.ResourceVersion, third.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Continue_token_from_compacted_history_is_410()
    {
        foreach (var name in new[] { "s1", "s2", "s3" })
        {
            await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", name), "default");
        }
        var first = await _cluster.Client.CoreV1.ListNamespacedServiceAsync("default", limit: 1);
        await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("s3", "default");
        _cluster.Server.CompactHistory();

        await ApiAssert.FailsWithAsync(410, "Expired",
            () => _cluster.Client.CoreV1.ListNamespacedServiceAsync("default", limit: 1, continueParameter: first.Metadata.ContinueProperty));
    }

    [Fact]
    public async Task Version_and_discovery_answer()
    {
        var version = await _cluster.Client.Version.GetCodeAsync();
        var groups = await _cluster.Client.Apis.GetAPIVersionsAsync();
        var core = await _cluster.Client.CoreV1.GetAPIResourcesAsync();

        Assert.Equal("1", version.Major);
        Assert.Contains(groups.Groups, g => g.Name == "discovery.k8s.io");
        Assert.Contains(core.Resources, r => r.Name == "services/status");
    }

    [Fact]
    public async Task The_store_counts_the_objects_that_match_without_copying_them()
    {
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "api"), "default");
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("other", "web"), "other");
        var store = _cluster.Server.Store;
        var kind = store.Resources.For(typeof(V1Service));

        var inDefault = store.Count(kind, new Selectors.ObjectFilter("default", Selectors.LabelSelector.Parse(null), Selectors.FieldSelector.Parse(null, kind)), _ => true);
        var named = store.Count(kind, new Selectors.ObjectFilter(null, Selectors.LabelSelector.Parse(null), Selectors.FieldSelector.Parse(null, kind)), o => (string?)o["metadata"]?["name"] == "web");

        Assert.Equal((2, 2), (inDefault, named));
    }
}
