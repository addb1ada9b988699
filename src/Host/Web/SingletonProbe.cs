using DirectLB.Actors.Replicas;

namespace DirectLB.Host.Web;

/// <summary>
/// Asks the member-cluster singleton for its watchers every 10 s, and warns once when it has not answered this replica
/// for 30 s: then no member cluster is watched from here, so no Service change reaches its entity. Says so again
/// when it answers. (Akka.NET's own check of this warns falsely at every start; see <see cref="SingletonSilence"/>.)
/// </summary>
public sealed class SingletonProbe(ClusterView view, TimeProvider time, ILogger<SingletonProbe> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarnAfter = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var silence = new SingletonSilence(WarnAfter, time.GetUtcNow());
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var answered = await view.SingletonWatchersAsync() is not null;
            var now = time.GetUtcNow();
            switch (silence.Observe(answered, now))
            {
                case SilenceChange.Silent:
                    log.LogWarning(
                        "the member-cluster singleton has not answered this replica for {Seconds:0} s: no member cluster is watched until it does; /api/replicas shows whether the replicas form one cluster",
                        silence.SilentFor(now).TotalSeconds);
                    break;
                case SilenceChange.Answering:
                    log.LogInformation("the member-cluster singleton answers again");
                    break;
            }
        }
    }
}
