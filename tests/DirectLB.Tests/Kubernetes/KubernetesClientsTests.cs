using DirectLB.Actors.Kubernetes;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Tests.Support;
using k8s;
using k8s.Models;

namespace DirectLB.Tests.Kubernetes;

/// <summary>
/// DirectLB's Kubernetes clients hold at most <see cref="KubernetesClients.ConnectionsPerServer"/> connections to an
/// API server that speaks HTTP/1.1, however many requests are in flight; the library's own client opens one per
/// request, which is how a cold start of 10,000 Services ran out of file descriptors. And they read a response's body
/// without blocking a thread on the socket (<see cref="ResponseBuffering"/>), which the library's own client does for
/// every response it deserializes.
/// </summary>
public sealed class KubernetesClientsTests
{
    private const int Requests = 300;

    [Fact]
    public async Task Requests_in_flight_share_a_bounded_number_of_connections()
    {
        await using var server = new SlowApiServer();
        var client = KubernetesClients.Create(new KubernetesClientConfiguration { Host = server.Address });

        await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => client.CoreV1.ReadNamespacedServiceAsync($"web-{i}", "default")));

        Assert.Equal(Requests, server.Served);
        Assert.InRange(server.MostConnectionsAtOnce, 2, KubernetesClients.ConnectionsPerServer);
    }

    [Fact]
    public async Task The_librarys_own_client_opens_a_connection_per_request_in_flight()
    {
        await using var server = new SlowApiServer();
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Address });

        await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => client.CoreV1.ReadNamespacedServiceAsync($"web-{i}", "default")));

        Assert.Equal(Requests, server.Served);
        Assert.True(server.MostConnectionsAtOnce > KubernetesClients.ConnectionsPerServer, $"{server.MostConnectionsAtOnce} connections at once");
    }

    [Fact]
    public async Task A_list_is_read_from_the_API_server_without_blocking_a_thread_on_the_socket()
    {
        await using var api = await KubeApiServer.KubeApiServer.StartAsync();
        CreateServices(api, 300);
        var reads = new ConnectionReads();
        var client = KubernetesClients.Create(reads.Configuration(api.BaseAddress));

        var list = await client.CoreV1.ListServiceForAllNamespacesAsync();

        Assert.Equal(300, list.Items.Count);
        Assert.Equal(0, reads.Synchronous);
        Assert.True(reads.Asynchronous > 0);
    }

    [Fact]
    public async Task The_librarys_own_client_blocks_a_thread_on_the_socket_to_read_a_list()
    {
        await using var api = await KubeApiServer.KubeApiServer.StartAsync();
        CreateServices(api, 300);
        var reads = new ConnectionReads();
        var client = new k8s.Kubernetes(reads.Configuration(api.BaseAddress));

        var list = await client.CoreV1.ListServiceForAllNamespacesAsync();

        Assert.Equal(300, list.Items.Count);
        Assert.True(reads.Synchronous > 0, "the library read the list's body synchronously");
    }

    [Fact]
    public async Task A_watch_still_delivers_each_event_as_it_comes()
    {
        await using var api = await KubeApiServer.KubeApiServer.StartAsync();
        var client = KubernetesClients.Create(new KubernetesClientConfiguration { Host = api.BaseAddress.ToString() });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var listed = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: timeout.Token);

        var events = client.CoreV1.WatchListServiceForAllNamespacesAsync(
            resourceVersion: listed.Metadata.ResourceVersion, timeoutSeconds: 60, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = events.MoveNextAsync().AsTask();
        CreateServices(api, 1);

        Assert.True(await next, "the watch's first event arrived while the stream stays open");
        Assert.Equal(WatchEventType.Added, events.Current.Item1);
        Assert.Equal("web-0", events.Current.Item2.Metadata.Name);
        await events.DisposeAsync();
    }

    private static void CreateServices(KubeApiServer.KubeApiServer api, int count)
    {
        for (var i = 0; i < count; i++)
        {
            api.Store.Create(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = $"web-{i}", NamespaceProperty = "default" },
                Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }] },
            });
        }
    }
}
