using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;

namespace DirectLB.Bench;

/// <summary>
/// The floor: a plain KubernetesClient watch of EndpointSlices in the bench process that does nothing but note when
/// each endpoint address first arrives. Whatever DirectLB adds on top of this is its own cost.
/// </summary>
public sealed class WatchFloor : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _arrived = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    public WatchFloor(string kubeconfig, string resourceVersion)
    {
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        _watching = Task.Run(() => WatchAsync(client, resourceVersion, _stop.Token));
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the address first arrived in a watch event.</summary>
    public bool TryGetArrival(string address, out long timestamp) => _arrived.TryGetValue(address, out timestamp);

    private async Task WatchAsync(Kubernetes client, string resourceVersion, CancellationToken cancellationToken)
    {
        using (client)
        {
            var events = client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(
                resourceVersion: resourceVersion, timeoutSeconds: 3600, cancellationToken: cancellationToken);
            await foreach (var (_, slice) in events.WithCancellation(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var address in slice.Endpoints?.SelectMany(e => e.Addresses) ?? [])
                {
                    _arrived.TryAdd(address, now);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watching;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // The watch ends by cancellation; how it ends does not matter to the figures.
        }

        _stop.Dispose();
    }
}
