using System.Diagnostics;
using DirectLB.Actors.Kubernetes;

namespace DirectLB.Host.Hosting;

/// <summary>
/// On every replica, soon after it starts, prepares the Kubernetes client's JSON metadata for what the watchers list
/// (<see cref="KubernetesJsonWarmup"/>), so that a replica taking the watchers over does not do it on the hand-over's
/// critical path.
/// </summary>
public sealed class JsonWarmup(ILogger<JsonWarmup> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        () =>
        {
            var started = Stopwatch.GetTimestamp();
            var types = KubernetesJsonWarmup.Prepare(KubernetesJsonWarmup.Listed, stoppingToken);
            log.LogDebug("prepared the JSON metadata of {Types} Kubernetes types in {Milliseconds:F0} ms", types.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        },
        stoppingToken);
}
