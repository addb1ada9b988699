using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;

namespace DirectLB.Host.Web;

/// <summary>
/// Every Service of the Akka cluster, whichever replica is asked: it asks each replica's
/// <see cref="ServiceStatusResponder"/> at once (scatter-gather) and merges the answers (<see cref="ServiceListing"/>).
/// Why asking rather than replicating the rows (Akka.DistributedData): nothing is held twice, so memory stays that of
/// each replica's own entities (bounded per Service); nothing travels unless someone looks; a replica that dies takes
/// its rows with it (there is nothing to prune), and an unreachable or silent one is named on the page instead of
/// leaving stale rows. A Service caught on two replicas as it moves is shown once, as its newer owner tells it.
/// </summary>
public sealed class ServiceDirectory(ActorSystem system)
{
    /// <summary>How long a replica has to answer all its pages of one listing.</summary>
    public static readonly TimeSpan ReplicaTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Lists up to <paramref name="limit"/> Services after <paramref name="after"/>, from every replica that answers, or
    /// with <paramref name="localOnly"/> from this replica alone (the entities that live here).
    /// </summary>
    public async Task<ServiceListing> ListAsync(string? @namespace, ServiceKey? key, string? after, int limit, bool localOnly = false)
    {
        limit = Math.Clamp(limit, 1, ServiceRowSelection.MaxLimit);
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var asks = state.Members
            .Where(m => m.Status is not (MemberStatus.Down or MemberStatus.Removed) && (!localOnly || m.Address == cluster.SelfAddress))
            .Select(m => unreachable.Contains(m.Address)
                ? Task.FromResult(new ReplicaAnswer(m.Address.ToString(), ReplicaReach.Unreachable, [], false))
                : AskAsync(m.Address, new GetServiceRows(@namespace, key, after, limit)));
        return ServiceListing.Merge(await Task.WhenAll(asks), limit);
    }

    /// <summary>One Service wherever it lives; null if no replica that answered has it.</summary>
    public async Task<ServiceRow?> FindAsync(ServiceKey key) =>
        (await ListAsync(key.Namespace, key, null, 1)).Rows.FirstOrDefault();

    /// <summary>Asks one replica page by page (each page fits one remoting frame) until it has given <c>Limit</c> rows or all.</summary>
    private async Task<ReplicaAnswer> AskAsync(Address replica, GetServiceRows query)
    {
        var responder = system.ActorSelection(new RootActorPath(replica) / "user" / ServiceStatusResponder.Name);
        var rows = ImmutableArray.CreateBuilder<ServiceRow>();
        using var deadline = new CancellationTokenSource(ReplicaTimeout);
        try
        {
            while (true)
            {
                var page = await responder.Ask<ServiceRows>(query with { Limit = query.Limit - rows.Count }, ReplicaTimeout, deadline.Token);
                rows.AddRange(page.Rows);
                if (!page.More || rows.Count >= query.Limit || page.Rows.IsEmpty)
                {
                    return new ReplicaAnswer(replica.ToString(), ReplicaReach.Answered, rows.ToImmutable(), page.More);
                }

                query = query with { After = page.Rows[^1].Key.ToString() };
            }
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            return new ReplicaAnswer(replica.ToString(), ReplicaReach.Silent, [], false);
        }
    }
}
