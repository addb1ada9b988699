using DirectLB.Actors.Observability;

namespace DirectLB.Host.Web;

/// <summary>Keeps the per-replica gauges (shards, cluster members) current; everything else is measured where it happens.</summary>
public sealed class ClusterMetricsPoller(ClusterView view, ILogger<ClusterMetricsPoller> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var replicas = await view.ReplicasAsync();
                DirectLbMetrics.Shards.Set(replicas.FirstOrDefault(r => r.IsSelf)?.Shards ?? 0);
                foreach (var status in new[] { "Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down", "Removed" })
                {
                    DirectLbMetrics.ClusterMembers.WithLabels(status.ToLowerInvariant()).Set(replicas.Count(r => r.Status == status));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "could not read the cluster state for metrics");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
