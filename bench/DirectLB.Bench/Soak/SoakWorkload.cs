using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench.Soak;

/// <summary>
/// The soak's Services in two member clusters: a third only in the first, a third only in the second, a third in
/// both (one load balancer over the pods of both). While it runs, pods churn (one replaced, added or removed ten
/// times a second) and every three seconds a Service is deleted and a new one created, so the count stays.
/// </summary>
public sealed class SoakWorkload
{
    public const int PodsPerCluster = 4;

    private static readonly TimeSpan PodChangeEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ServiceTurnoverEvery = TimeSpan.FromSeconds(3);

    private readonly IReadOnlyList<(MemberCluster Cluster, Fleet Fleet)> _fleets;
    private readonly Random _random;
    private readonly List<int> _live = [];
    private int _next;

    public SoakWorkload(IReadOnlyList<MemberCluster> clusters, int seed)
    {
        // Apart address blocks per cluster (10.0.0.0/9, 10.128.0.0/9), so a target names its pod in one cluster.
        _fleets = [.. clusters.Select((c, i) => (c, new Fleet(c.Store, firstAddress: (10u << 24) + ((uint)i << 23) + 1)))];
        _random = new Random(seed);
    }

    public string Namespace => _fleets[0].Fleet.Namespace;

    public long PodChanges { get; private set; }

    public long Created { get; private set; }

    public long Deleted { get; private set; }

    /// <summary>The member clusters a Service of this index lives in.</summary>
    public IEnumerable<Fleet> FleetsOf(int index) => (index % 3) switch
    {
        0 => [_fleets[0].Fleet],
        1 => [_fleets[1 % _fleets.Count].Fleet],
        _ => _fleets.Select(f => f.Fleet),
    };

    public void CreateInitial(int services)
    {
        for (var i = 0; i < services; i++)
        {
            Create();
        }
    }

    /// <summary>Churns until cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var lastTurnover = DateTime.UtcNow;
        using var timer = new PeriodicTimer(PodChangeEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                ChangeOnePod();
                if (DateTime.UtcNow - lastTurnover >= ServiceTurnoverEvery)
                {
                    lastTurnover = DateTime.UtcNow;
                    DeleteOne();
                    Create();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The chaos phase is over: the workload holds still so the books can be checked.
        }
    }

    private void Create()
    {
        var index = _next++;
        foreach (var fleet in FleetsOf(index))
        {
            fleet.Create(index, PodsPerCluster);
        }

        _live.Add(index);
        Created++;
    }

    private void DeleteOne()
    {
        var at = _random.Next(_live.Count);
        var index = _live[at];
        _live.RemoveAt(at);
        foreach (var fleet in FleetsOf(index))
        {
            fleet.Delete(index);
        }

        Deleted++;
    }

    /// <summary>A rollout step, a scale-up or a scale-down of one Service in one of its clusters.</summary>
    private void ChangeOnePod()
    {
        var index = _live[_random.Next(_live.Count)];
        var fleets = FleetsOf(index).ToList();
        var fleet = fleets[_random.Next(fleets.Count)];
        var roll = _random.Next(3);
        var count = fleet.Pods(index).Count;
        if (roll == 1 && count < PodsPerCluster + 2)
        {
            fleet.Change(index, pods => pods.Add(Fleet.Ready(fleet.NewAddress())));
        }
        else if (roll == 2 && count > 1)
        {
            fleet.Change(index, pods => pods.RemoveAt(_random.Next(pods.Count)));
        }
        else
        {
            fleet.ReplaceOldestPod(index);
        }

        PodChanges++;
    }
}
