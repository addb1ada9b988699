using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using DirectLB.Tests.Shared.Replicas;
using k8s.Models;

namespace DirectLB.Bench.Soak;

/// <summary>
/// The soak's books, read from the API servers, the cloud and the journal: what must be (every Service that exists,
/// not terminating, in any member cluster, with the ready pods of all its clusters) against what is.
/// </summary>
public sealed record SoakBooks(
    int Services,
    int Converged,
    int StuckDeleting,
    int LoadBalancersWithoutService,
    int ServicesWithTwoLoadBalancers,
    int MissingTargets,
    int ExtraTargets,
    int UnsettledIntents,
    int ReplicasDown,
    IReadOnlyList<string> Examples)
{
    public bool Balanced =>
        Converged == Services && StuckDeleting == 0 && LoadBalancersWithoutService == 0 && ServicesWithTwoLoadBalancers == 0
        && MissingTargets == 0 && ExtraTargets == 0 && UnsettledIntents == 0 && ReplicasDown == 0;

    public override string ToString() =>
        $"converged {Converged}/{Services}, stuck deleting {StuckDeleting}, load balancers without a Service {LoadBalancersWithoutService}, " +
        $"Services with two load balancers {ServicesWithTwoLoadBalancers}, missing targets {MissingTargets}, extra targets {ExtraTargets}, " +
        $"journal intents unsettled (no outcome, confirmation or read-back) {UnsettledIntents}, replicas down {ReplicasDown}";

    /// <summary>Reads everything once. The journal is read only when <paramref name="withJournal"/> (it is the slow part).</summary>
    public static async Task<SoakBooks> ReadAsync(ReplicaEnvironment environment, SoakReplicas replicas, string ns, bool withJournal)
    {
        var examples = new List<string>();
        var wanted = new Dictionary<string, (HashSet<string> Targets, List<(MemberCluster Cluster, V1Service Service)> In)>(StringComparer.Ordinal);
        var stuck = 0;
        foreach (var member in environment.Members)
        {
            var slices = member.Store.List<V1EndpointSlice>(ns).ToLookup(s => s.Metadata.Labels["kubernetes.io/service-name"]);
            foreach (var service in member.Store.List<V1Service>(ns))
            {
                if (service.Metadata.DeletionTimestamp is not null)
                {
                    stuck++;
                    Note(examples, $"{member.Id}/{service.Metadata.Name} still terminating");
                    continue;
                }

                var key = $"{ns}/{service.Metadata.Name}";
                if (!wanted.TryGetValue(key, out var entry))
                {
                    wanted[key] = entry = ([], []);
                }

                entry.In.Add((member, service));
                entry.Targets.UnionWith(slices[service.Metadata.Name]
                    .SelectMany(s => s.Endpoints ?? [])
                    .Where(e => e.Conditions?.Ready == true)
                    .SelectMany(e => e.Addresses)
                    .Select(ip => $"{ip}:8080 serving"));
            }
        }

        var byService = environment.Cloud.LoadBalancers
            .GroupBy(lb => lb.Tags.GetValueOrDefault(LoadBalancerOwner.ServiceTag) ?? lb.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var orphans = byService.Keys.Where(k => !wanted.ContainsKey(k)).ToList();
        orphans.ForEach(k => Note(examples, $"load balancer of {k} has no Service"));
        var twins = byService.Count(g => g.Value.Count > 1);
        int converged = 0, missing = 0, extra = 0;
        foreach (var (key, entry) in wanted)
        {
            if (!byService.TryGetValue(key, out var lbs))
            {
                missing += entry.Targets.Count;
                Note(examples, $"{key} has no load balancer");
                continue;
            }

            var lb = lbs[0];
            var actual = lb.Listeners.SelectMany(l => l.Targets).Select(t => $"{t.Key} {t.State.ToString().ToLowerInvariant()}").ToHashSet();
            var lacking = entry.Targets.Except(actual).Count();
            var surplus = actual.Except(entry.Targets).Count();
            missing += lacking;
            extra += surplus;
            var statusRight = entry.In.All(s => s.Service.Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip == lb.Address);
            if (lacking == 0 && surplus == 0 && statusRight && lbs.Count == 1)
            {
                converged++;
            }
            else
            {
                Note(examples, $"{key}: {lacking} targets missing, {surplus} extra, status {(statusRight ? "right" : "wrong")}, {lbs.Count} load balancers");
            }
        }

        var intents = -1;
        if (withJournal)
        {
            var audit = await JournalAudit.RunAsync(environment.Postgres.ConnectionString);
            intents = audit.Problems.Count;
            audit.Problems.ToList().ForEach(p => Note(examples, p));
        }

        var down = 0;
        foreach (var replica in replicas.Current)
        {
            if (replica.HasExited || !await replica.IsReadyAsync() || await replica.UpMembersAsync() != replicas.Count)
            {
                down++;
                Note(examples, $"{replica.Name} is not Up and ready");
            }
        }

        return new SoakBooks(wanted.Count, converged, stuck, orphans.Count, twins, missing, extra, intents, down, examples);
    }

    private static void Note(List<string> examples, string what)
    {
        if (examples.Count < 10)
        {
            examples.Add(what);
        }
    }
}
