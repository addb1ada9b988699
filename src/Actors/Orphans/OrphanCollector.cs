using System.Collections.Immutable;
using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Orphans;

/// <summary>
/// One per Akka cluster (a singleton): lists every load balancer tagged with this installation and finds those whose
/// Service exists in no member cluster, e.g. force-deleted (finalizer removed by hand) while DirectLB was down. It
/// never looks while the member clusters' view is incomplete (fail static), never sees a load balancer without this
/// installation's tags, and never deletes one itself: it hands each orphan, once orphaned for the whole grace period,
/// to its Service's entity, the one writer for that Service, which deletes it unless the Service is back.
/// </summary>
public sealed class OrphanCollector : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan InventoryTimeout = TimeSpan.FromSeconds(10);

    private readonly ILoadBalancerProvider _provider;
    private readonly Installation _installation;
    private readonly OrphanOptions _options;
    private readonly IActorRef _memberClusters;
    private readonly IActorRef _services;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, DateTimeOffset> _orphanedSince = new(StringComparer.Ordinal);
    private OrphanReport _report;
    private bool _checking;

    public OrphanCollector(
        ILoadBalancerProvider provider,
        Installation installation,
        OrphanOptions options,
        IActorRef memberClusters,
        IActorRef services,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        _provider = provider;
        _installation = installation;
        _options = options;
        _memberClusters = memberClusters;
        _services = services;
        _clock = clock;
        _log = loggers.CreateLogger<OrphanCollector>();
        _report = OrphanReport.NotYet(options.Mode);

        Receive<CheckTick>(_ => StartCheck());
        Receive<CheckDone>(OnCheckDone);
        Receive<GetOrphans>(_ => Sender.Tell(_report));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        ILoadBalancerProvider provider,
        Installation installation,
        OrphanOptions options,
        IActorRef memberClusters,
        IActorRef services,
        TimeProvider clock,
        ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new OrphanCollector(provider, installation, options, memberClusters, services, clock, loggers));

    protected override void PreStart()
    {
        if (_options.Mode != OrphanMode.Off)
        {
            Timers.StartPeriodicTimer("check", CheckTick.Instance, _options.Interval);
        }
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void StartCheck()
    {
        if (_checking)
        {
            return;
        }

        _checking = true;
        CheckAsync().PipeTo(Self, success: done => done, failure: ex => new CheckDone(null, null, ex.Message));
    }

    /// <summary>The inventory first: a load balancer listed after it was taken cannot be mistaken for an orphan by a Service created in between.</summary>
    private async Task<CheckDone> CheckAsync()
    {
        var inventory = await _memberClusters.Ask<ServiceInventory>(GetServiceInventory.Instance, InventoryTimeout, _stopping.Token);
        if (!inventory.Incomplete.IsEmpty)
        {
            return new CheckDone(null, null, string.Join("; ", inventory.Incomplete));
        }

        var owned = new List<LoadBalancerInfo>();
        string? next = null;
        do
        {
            var page = await _provider.ListLoadBalancersAsync(_installation, next, _stopping.Token);
            owned.AddRange(page.Items);
            next = page.Continue;
        }
        while (next is not null);

        return new CheckDone(inventory.Routes.ToImmutableHashSet(), owned, null);
    }

    private void OnCheckDone(CheckDone done)
    {
        _checking = false;
        var now = _clock.GetUtcNow();
        if (done.Paused is { } why)
        {
            // Fail static: with part of the picture missing, nothing counts as gone, and every grace period starts over.
            _orphanedSince.Clear();
            _log.LogWarning("Orphan check skipped: {Reason}", why);
            _report = new OrphanReport(_options.Mode, now, why, []);
            PublishMetrics();
            return;
        }

        var orphans = ImmutableArray.CreateBuilder<Orphan>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var lb in done.Owned!)
        {
            if (LoadBalancerOwner.FromTags(lb.Tags) is not { } owner || done.Routes!.Contains(RouteOf(owner)))
            {
                continue;
            }

            seen.Add(lb.Id);
            var since = _orphanedSince.TryGetValue(lb.Id, out var first) ? first : _orphanedSince[lb.Id] = now;
            var collect = _options.Mode == OrphanMode.Delete && now - since >= _options.GracePeriod;
            if (collect)
            {
                _log.LogWarning("Collecting load balancer {LoadBalancerId} ({Address}): its Service {ServiceKey} has been in no member cluster since {Since}",
                    lb.Id, lb.Address, RouteOf(owner), since);
                DirectLbMetrics.OrphansCollected.Inc();
                _services.Tell(new CollectOrphan(RouteOf(owner), lb.Id, owner));
            }
            else
            {
                _log.LogWarning("Load balancer {LoadBalancerId} ({Address}) is an orphan: its Service {ServiceKey} has been in no member cluster since {Since}{What}",
                    lb.Id, lb.Address, RouteOf(owner), since, _options.Mode == OrphanMode.Delete ? "; collecting it after the grace period" : "; reporting only");
            }

            orphans.Add(new Orphan(lb.Id, lb.Name, lb.Address, RouteOf(owner), since, collect));
        }

        foreach (var gone in _orphanedSince.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            _orphanedSince.Remove(gone);
        }

        _report = new OrphanReport(_options.Mode, now, null, orphans.ToImmutable());
        PublishMetrics();
    }

    private void PublishMetrics()
    {
        DirectLbMetrics.Orphans.WithLabels("waiting").Set(_report.Orphans.Count(o => !o.Collected));
        DirectLbMetrics.Orphans.WithLabels("collecting").Set(_report.Orphans.Count(o => o.Collected));
    }

    /// <summary>The entity a load balancer's owner tags name: the Service across all member clusters, or in one.</summary>
    private static ServiceKey RouteOf(LoadBalancerOwner owner) =>
        new(owner.Namespace, owner.Name, owner.ClusterScope == LoadBalancerOwner.AllClusters ? null : owner.ClusterScope);

    private sealed record CheckTick
    {
        public static CheckTick Instance { get; } = new();
    }

    private sealed record CheckDone(ImmutableHashSet<ServiceKey>? Routes, IReadOnlyList<LoadBalancerInfo>? Owned, string? Paused);
}
