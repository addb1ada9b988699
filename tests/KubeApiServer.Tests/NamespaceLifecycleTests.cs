using DirectLB.KubeApiServer.Store;
using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>
/// The namespace lifecycle a controller meets on a real cluster: the namespaces it starts with, no new content in a
/// namespace that does not exist or is being deleted (with the cause client-go's event recorder matches on), while
/// what is there can still be changed and deleted.
/// </summary>
public sealed class NamespaceLifecycleTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    private ICoreV1Operations Api => _cluster.Client.CoreV1;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_cluster_starts_with_its_system_namespaces_and_the_three_it_needs_cannot_be_deleted()
    {
        var listed = await Api.ListNamespaceAsync();
        var refused = await ApiAssert.FailsWithAsync(403, "Forbidden", () => Api.DeleteNamespaceAsync("kube-system"));

        Assert.Subset(listed.Items.Select(n => n.Metadata.Name).ToHashSet(), ObjectStore.SystemNamespaces.ToHashSet());
        Assert.All(listed.Items, n => Assert.Equal("Active", n.Status.Phase));
        Assert.Equal("namespaces \"kube-system\" is forbidden: this namespace may not be deleted", (string?)refused["message"]);
    }

    [Fact]
    public async Task Content_in_a_namespace_that_does_not_exist_is_404()
    {
        var status = await ApiAssert.FailsWithAsync(404, "NotFound",
            () => Api.CreateNamespacedServiceAsync(TestCluster.Service("nowhere", "web"), "nowhere"));

        Assert.Equal("namespaces \"nowhere\" not found", (string?)status["message"]);
    }

    [Fact]
    public async Task A_deleted_namespace_is_Terminating_refuses_new_content_and_still_lets_what_is_there_change_and_go()
    {
        await Api.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
        var web = TestCluster.Service("team-a", "web");
        web.Metadata.Finalizers = ["example.com/cleanup"];
        await Api.CreateNamespacedServiceAsync(web, "team-a");

        await Api.DeleteNamespaceAsync("team-a");
        var terminating = await Api.ReadNamespaceAsync("team-a");
        var refused = await ApiAssert.FailsWithAsync(403, "Forbidden", () => Api.CreateNamespacedEventAsync(
            new Corev1Event { Metadata = new V1ObjectMeta { Name = "web.1" }, InvolvedObject = new V1ObjectReference { Kind = "Service", Name = "web" } },
            "team-a"));
        await Api.DeleteNamespacedServiceAsync("web", "team-a");
        await Api.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "web", "team-a");

        Assert.Equal("Terminating", terminating.Status.Phase);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(["kubernetes"], terminating.Spec.Finalizers);
        Assert.Equal("events \"web.1\" is forbidden: unable to create new content in namespace team-a because it is being terminated", (string?)refused["message"]);
        Assert.Equal("NamespaceTerminating", (string?)refused["details"]!["causes"]![0]!["reason"]);
        Assert.Empty((await Api.ListNamespacedServiceAsync("team-a")).Items);
    }
}
