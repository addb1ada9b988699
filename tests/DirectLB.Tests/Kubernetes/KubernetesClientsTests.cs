using DirectLB.Actors.Kubernetes;
using DirectLB.Tests.Support;
using k8s;

namespace DirectLB.Tests.Kubernetes;

/// <summary>
/// DirectLB's Kubernetes clients hold at most <see cref="KubernetesClients.ConnectionsPerServer"/> connections to an
/// API server that speaks HTTP/1.1, however many requests are in flight; the library's own client opens one per
/// request, which is how a cold start of 10,000 Services ran out of file descriptors.
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
}
