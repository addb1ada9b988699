using Akka.Actor;
using Akka.Cluster;
using DirectLB.Actors.Domain;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Follows the set of member clusters, which come from configuration and, optionally, from labelled Secrets in the
/// cluster DirectLB runs in, which it watches. It runs with one of two duties (<see cref="MemberClusterDuty"/>):
/// <list type="bullet">
/// <item><b>Watch</b>, as a cluster singleton: one <see cref="ClusterWatcher"/> per member cluster, cluster-wide.
/// New credentials restart a watcher quietly; removing a cluster decommissions its watcher, so its Services
/// leave their load balancers. When a replica leaves the Akka cluster, every watcher resends all its Services,
/// which wakes their entities on the replicas that now own them.</item>
/// <item><b>Write</b>, on every replica: keeps the Kubernetes clients that this replica's entities write
/// finalizers, status and Events with, since any replica may own any Service.</item>
/// </list>
/// </summary>
public sealed partial class MemberClusterManager : ReceiveActor, IWithTimers
{
    /// <summary>
    /// Why resending waits after a replica is removed: the shard coordinator learns of the removal at about the
    /// same moment, and a message sent before it has would be routed to the region that just died.
    /// </summary>
    private static readonly TimeSpan ResendAfterRemoval = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);

    private readonly MemberClusterDuty _duty;
    private readonly IReadOnlyList<AddMemberCluster> _configured;
    private readonly MemberClusters _clients;
    private readonly WatcherDirectory _directory;
    private readonly Func<string, IKubernetes, Props> _watcherProps;
    private readonly IKubernetes? _home;
    private readonly MemberSecretsOptions? _secrets;
    private readonly InformerOptions _informerOptions;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, (string ClusterId, IKubernetes Client)> _retiring = [];
    private readonly Dictionary<string, string> _secretFingerprints = new(StringComparer.Ordinal);
    private int _generation;

    public MemberClusterManager(
        MemberClusterDuty duty,
        IReadOnlyList<AddMemberCluster> configured,
        MemberClusters clients,
        WatcherDirectory directory,
        Func<string, IKubernetes, Props> watcherProps,
        IKubernetes? home,
        MemberSecretsOptions? secrets,
        InformerOptions informerOptions,
        ILoggerFactory loggers)
    {
        _duty = duty;
        _configured = configured;
        _clients = clients;
        _directory = directory;
        _watcherProps = watcherProps;
        _home = home;
        _secrets = secrets;
        _informerOptions = informerOptions;
        _log = loggers.CreateLogger<MemberClusterManager>();

        Receive<AddMemberCluster>(Add);
        Receive<RemoveMemberCluster>(m => Remove(m.ClusterId));
        Receive<GetMemberClusters>(_ => Sender.Tell(new MemberClusterList(_members.ToDictionary(m => m.Key, m => m.Value.Source))));
        Receive<InformerReport<V1Secret>>(r => r.Handle(OnSecretEvent));
        Receive<Terminated>(OnWatcherStopped);
        Receive<ResendServiceState>(m => TellWatchers(m));
        Receive<ClusterEvent.MemberRemoved>(_ => Timers.StartSingleTimer(nameof(ResendAllServices), ResendAllServices.Instance, ResendAfterRemoval));
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<ResendAllServices>(m => TellWatchers(m));
        Receive<GetAllWatcherStatuses>(_ => AllWatcherStatusesAsync().PipeTo(Sender));
        Receive<GetServiceInventory>(_ => ServiceInventoryAsync().PipeTo(Sender));
        Receive<FindGatingServices>(FindGatingServices);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        MemberClusterDuty duty,
        IReadOnlyList<AddMemberCluster> configured,
        MemberClusters clients,
        WatcherDirectory directory,
        Func<string, IKubernetes, Props> watcherProps,
        IKubernetes? home,
        MemberSecretsOptions? secrets,
        InformerOptions informerOptions,
        ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new MemberClusterManager(duty, configured, clients, directory, watcherProps, home, secrets, informerOptions, loggers));

    protected override void PreStart()
    {
        foreach (var cluster in _configured)
        {
            Add(cluster);
        }

        if (_duty == MemberClusterDuty.Watch)
        {
            Cluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.MemberRemoved));
        }

        WatchSecrets();
    }

    protected override void PostStop()
    {
        if (_duty == MemberClusterDuty.Watch)
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }

        _stopping.Cancel();
        _stopping.Dispose();
        if (_duty == MemberClusterDuty.Watch)
        {
            // The Write duty's clients belong to MemberClusters, which disposes them; the watchers' are this actor's.
            foreach (var (clusterId, member) in _members)
            {
                _directory.Unregister(clusterId, member.Watcher!);
                member.Client.Dispose();
            }

            foreach (var retired in _retiring.Values)
            {
                retired.Client.Dispose();
            }
        }
    }

    private void Add(AddMemberCluster add)
    {
        IKubernetes client;
        try
        {
            client = KubernetesClients.Create(add.Config);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "{ClusterId}: cannot create a client from {Source}; keeping what was there", add.ClusterId, add.Source);
            return;
        }

        var known = _members.Remove(add.ClusterId, out var old);
        if (_duty == MemberClusterDuty.Write)
        {
            _clients.Set(add.ClusterId, client);
            _members[add.ClusterId] = new Member(null, client, add.Source);
            return;
        }

        if (known)
        {
            // New credentials for a known cluster: stop the old watcher without decommissioning, the new one resends all.
            _retiring[old!.Watcher!] = (add.ClusterId, old.Client);
            Context.Stop(old.Watcher!);
            _log.LogInformation("{ClusterId}: new configuration from {Source}; restarting its watcher", add.ClusterId, add.Source);
        }
        else
        {
            _log.LogInformation("{ClusterId}: member cluster added from {Source} ({Server})", add.ClusterId, add.Source, WithoutCredentials(add.Config.Host));
        }

        var watcher = Context.ActorOf(_watcherProps(add.ClusterId, client), $"watcher-{add.ClusterId}-{++_generation}");
        Context.Watch(watcher);
        _directory.Register(add.ClusterId, watcher);
        _members[add.ClusterId] = new Member(watcher, client, add.Source);
    }

    private void Remove(string clusterId)
    {
        if (!_members.Remove(clusterId, out var member))
        {
            return;
        }

        _secretFingerprints.Remove(clusterId);
        if (member.Watcher is null)
        {
            _clients.Remove(clusterId);
            return;
        }

        _log.LogWarning("{ClusterId}: member cluster removed from {Source}; its targets leave their load balancers", clusterId, member.Source);
        _retiring[member.Watcher] = (clusterId, member.Client);
        member.Watcher.Tell(DecommissionWatcher.Instance);
    }

    private void OnWatcherStopped(Terminated terminated)
    {
        if (_retiring.Remove(terminated.ActorRef, out var retired))
        {
            _directory.Unregister(retired.ClusterId, terminated.ActorRef);
            retired.Client.Dispose();
        }
    }

    /// <summary>Asks every watcher how it is doing; one that does not answer in time is reported as such.</summary>
    private async Task<AllWatcherStatuses> AllWatcherStatusesAsync()
    {
        var asks = _members.Where(m => m.Value.Watcher is not null).Select(async m =>
        {
            try
            {
                return await m.Value.Watcher!.Ask<WatcherStatus>(GetWatcherStatus.Instance, StatusTimeout);
            }
            catch (AskTimeoutException)
            {
                return new WatcherStatus(m.Key, Synced: false, Connected: false, "watcher did not answer", 0, 0);
            }
        }).ToList();
        return new AllWatcherStatuses([.. await Task.WhenAll(asks)]);
    }

    /// <summary>
    /// Every watcher's routes, and what keeps the whole from being complete: a watcher not synced, unreachable or not
    /// answering, or member Secrets not read yet (a member cluster may still be unknown).
    /// </summary>
    private async Task<ServiceInventory> ServiceInventoryAsync()
    {
        var asks = _members.Where(m => m.Value.Watcher is not null).Select(async m =>
        {
            try
            {
                return await m.Value.Watcher!.Ask<WatcherInventory>(GetWatcherInventory.Instance, StatusTimeout);
            }
            catch (AskTimeoutException)
            {
                return new WatcherInventory(m.Key, Complete: false, []);
            }
        }).ToList();
        var inventories = await Task.WhenAll(asks);
        var incomplete = inventories.Where(i => !i.Complete).Select(i => $"member cluster {i.ClusterId} is not synced or not reachable").ToList();
        if (!SecretsRead)
        {
            incomplete.Add("the member cluster Secrets are not read yet");
        }

        return new ServiceInventory([.. incomplete], [.. inventories.SelectMany(i => i.Routes).Distinct()]);
    }

    /// <summary>Hands the question to the member cluster's watcher, which answers the asker itself.</summary>
    private void FindGatingServices(FindGatingServices find)
    {
        if (_members.TryGetValue(find.ClusterId, out var member) && member.Watcher is { } watcher)
        {
            watcher.Forward(find);
        }
        else
        {
            Sender.Tell(new GatingServices(find.ClusterId, [], $"member cluster {find.ClusterId} is not watched by DirectLB"));
        }
    }

    private void TellWatchers(object message)
    {
        foreach (var member in _members.Values)
        {
            member.Watcher?.Tell(message);
        }
    }

    /// <summary>A member cluster; <see cref="Watcher"/> is null with the Write duty, which runs no watcher.</summary>
    private sealed record Member(IActorRef? Watcher, IKubernetes Client, string Source);

    /// <summary>The server's address for a log line, without the user:password@ a kubeconfig's server URL may carry.</summary>
    private static string WithoutCredentials(string server) =>
        Uri.TryCreate(server, UriKind.Absolute, out var uri)
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : "a server address that is no URL";
}
