using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Ownership and bookkeeping written into the rendered configuration as comment lines, one JSON object per
/// load balancer, listener and target. Keeping it in the very file HAProxy runs (rather than in a second
/// state file) means the record of what DirectLB made and what HAProxy was told can never disagree after
/// a crash: one atomic rename replaces both. HAProxy ignores comments; JSON escaping keeps any tag value on
/// one line.
/// </summary>
internal static class ConfigMetadata
{
    private const string LoadBalancerPrefix = "# directlb-lb ";
    private const string ListenerPrefix = "# directlb-listener ";
    private const string TargetPrefix = "# directlb-target ";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string LoadBalancerLine(LoadBalancerInfo lb) =>
        LoadBalancerPrefix + JsonSerializer.Serialize(new LoadBalancerRecord(lb.Id, lb.Name, lb.Address, lb.Tags) { SecondaryAddress = lb.SecondaryAddress }, Json);

    public static string ListenerLine(string loadBalancerId, ListenerSpec spec) =>
        ListenerPrefix + JsonSerializer.Serialize(new ListenerRecord(loadBalancerId, spec), Json);

    public static string TargetLine(string loadBalancerId, int port, TargetSpec target) =>
        TargetPrefix + JsonSerializer.Serialize(new TargetRecord(loadBalancerId, port, target), Json);

    /// <summary>Reads the model back from a configuration DirectLB rendered; other lines are ignored.</summary>
    /// <exception cref="ProviderException">A metadata line is damaged (not retryable: a human must look).</exception>
    public static HAProxyModel Parse(string configText, string path)
    {
        var loadBalancers = new Dictionary<string, LoadBalancerRecord>();
        var listeners = new List<ListenerRecord>();
        var targets = new List<TargetRecord>();
        var lineNumber = 0;
        foreach (var line in configText.Split('\n'))
        {
            lineNumber++;
            try
            {
                if (line.StartsWith(LoadBalancerPrefix, StringComparison.Ordinal))
                {
                    var lb = Deserialize<LoadBalancerRecord>(line[LoadBalancerPrefix.Length..]);
                    loadBalancers[lb.Id] = lb;
                }
                else if (line.StartsWith(ListenerPrefix, StringComparison.Ordinal))
                {
                    listeners.Add(Deserialize<ListenerRecord>(line[ListenerPrefix.Length..]));
                }
                else if (line.StartsWith(TargetPrefix, StringComparison.Ordinal))
                {
                    targets.Add(Deserialize<TargetRecord>(line[TargetPrefix.Length..]));
                }
            }
            catch (JsonException e)
            {
                throw new ProviderException($"{path}:{lineNumber}: damaged DirectLB metadata: {e.Message}", retryable: false, e);
            }
        }

        var model = HAProxyModel.Empty;
        foreach (var lb in loadBalancers.Values)
        {
            var ownListeners = listeners
                .Where(l => l.LoadBalancerId == lb.Id)
                .Select(l => new ListenerInfo(
                    l.Spec,
                    [.. targets.Where(t => t.LoadBalancerId == lb.Id && t.Port == l.Spec.Key.Port).Select(t => t.Target)]));
            model = model.With(new LoadBalancerInfo(lb.Id, lb.Name, lb.Address, lb.Tags.ToImmutableSortedDictionary(StringComparer.Ordinal), [.. ownListeners])
            {
                SecondaryAddress = lb.SecondaryAddress,
            });
        }

        return model;
    }

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("null metadata");

    /// <summary><see cref="SecondaryAddress"/>: a dual-stack load balancer's second address; absent in files written before.</summary>
    private sealed record LoadBalancerRecord(string Id, string Name, string Address, IReadOnlyDictionary<string, string> Tags)
    {
        public string? SecondaryAddress { get; init; }
    }

    private sealed record ListenerRecord(string LoadBalancerId, ListenerSpec Spec);

    private sealed record TargetRecord(string LoadBalancerId, int Port, TargetSpec Target);
}
