using DirectLB.Actors.Domain;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using DirectLB.Tests.Support;
using k8s;

namespace DirectLB.Tests.Kubernetes;

/// <summary>
/// The writer sends at most <see cref="KubernetesServiceWriter.WritesInFlight"/> requests to a member cluster at once:
/// a burst of writes waits before its requests are built (a cold start of 10,000 Services held ~23,000 built requests
/// waiting for a connection, the largest share of its peak heap), and leaves connections free for reads.
/// </summary>
public sealed class KubernetesServiceWriterBoundTests : IDisposable
{
    private const int Writes = 300;
    private static readonly IReadOnlyList<string> Address = ["203.0.113.10"];

    private readonly MemberClusters _clusters = new();

    public void Dispose() => _clusters.Dispose();

    [Fact]
    public async Task A_burst_of_writes_reaches_the_API_server_a_bounded_number_at_a_time()
    {
        await using var server = new SlowApiServer();
        var (writer, _) = WriterFor(server);

        await Task.WhenAll(Enumerable.Range(0, Writes).Select(i =>
            writer.SetIngressAsync(Fixtures.Cluster, new ServiceKey("default", $"web-{i}"), Address, CancellationToken.None)));

        Assert.Equal(Writes, server.Served);
        Assert.InRange(server.MostRequestsAtOnce, 2, KubernetesServiceWriter.WritesInFlight);
    }

    [Fact]
    public async Task The_writes_waiting_for_a_slot_are_counted_while_they_wait()
    {
        await using var server = new SlowApiServer();
        var cluster = $"bound-{Guid.NewGuid():N}";
        var (writer, _) = WriterFor(server, cluster);
        var waiting = DirectLbMetrics.KubernetesWritesWaiting.WithLabels(cluster);

        var writes = Task.WhenAll(Enumerable.Range(0, Writes).Select(i =>
            writer.SetIngressAsync(cluster, new ServiceKey("default", $"web-{i}"), Address, CancellationToken.None)));
        var mostWaiting = 0.0;
        while (!writes.IsCompleted)
        {
            mostWaiting = Math.Max(mostWaiting, waiting.Value);
            await Task.Delay(10);
        }

        await writes;
        Assert.InRange(mostWaiting, 1, Writes - KubernetesServiceWriter.WritesInFlight);
        Assert.Equal(0, waiting.Value);
    }

    [Fact]
    public async Task A_write_cancelled_while_it_waits_for_a_slot_sends_nothing_and_passes_its_turn_on()
    {
        await using var server = new SlowApiServer();
        var (writer, _) = WriterFor(server);
        var first = Enumerable.Range(0, KubernetesServiceWriter.WritesInFlight).Select(i =>
            writer.SetIngressAsync(Fixtures.Cluster, new ServiceKey("default", $"web-{i}"), Address, CancellationToken.None)).ToList();
        using var cancel = new CancellationTokenSource();
        var cancelled = writer.SetIngressAsync(Fixtures.Cluster, new ServiceKey("default", "web-cancelled"), Address, cancel.Token);
        var next = writer.SetIngressAsync(Fixtures.Cluster, new ServiceKey("default", "web-next"), Address, CancellationToken.None);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await Task.WhenAll(first.Append(next));
        Assert.Equal(KubernetesServiceWriter.WritesInFlight + 1, server.Served);
    }

    [Fact]
    public async Task Writes_that_waited_through_a_credential_rotation_go_out_on_the_new_client()
    {
        await using var before = new SlowApiServer();
        await using var after = new SlowApiServer();
        var (writer, _) = WriterFor(before);

        var writes = Enumerable.Range(0, Writes).Select(i =>
            writer.SetIngressAsync(Fixtures.Cluster, new ServiceKey("default", $"web-{i}"), Address, CancellationToken.None)).ToList();
        _clusters.Set(Fixtures.Cluster, KubernetesClients.Create(new KubernetesClientConfiguration { Host = after.Address }));
        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        // The requests in the first slots were on the old client, which the rotation disposed (they fail, as any
        // request in flight on a replaced client does); every write that waited for a slot went out on the new one.
        Assert.InRange(writes.Count(w => w.IsCompletedSuccessfully), Writes - KubernetesServiceWriter.WritesInFlight, Writes);
        Assert.InRange(after.Served, Writes - KubernetesServiceWriter.WritesInFlight, Writes);
    }

    [Fact]
    public async Task A_read_is_answered_while_a_burst_of_writes_waits()
    {
        await using var server = new SlowApiServer();
        var (writer, client) = WriterFor(server);
        var writes = Task.WhenAll(Enumerable.Range(0, Writes).Select(i =>
            writer.SetIngressAsync(Fixtures.Cluster, new ServiceKey("default", $"web-{i}"), Address, CancellationToken.None)));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (server.MostRequestsAtOnce == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(server.MostRequestsAtOnce > 0, "no write reached the API server");

        await client.CoreV1.ReadNamespacedServiceAsync("web", "default");
        var servedBeforeTheRead = server.Served;
        await writes;

        // Without the bound the read queues for a connection behind every write sent before it (at least 236 of 300).
        Assert.InRange(servedBeforeTheRead, 0, Writes / 2);
    }

    private (KubernetesServiceWriter Writer, IKubernetes Client) WriterFor(SlowApiServer server, string cluster = Fixtures.Cluster)
    {
        var client = KubernetesClients.Create(new KubernetesClientConfiguration { Host = server.Address });
        _clusters.Set(cluster, client);
        return (new KubernetesServiceWriter(_clusters, TimeProvider.System), client);
    }
}
