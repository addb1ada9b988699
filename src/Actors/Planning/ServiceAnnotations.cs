using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Parses and validates the <c>directlb.io/</c> annotations. Strict on purpose: an unknown or misspelled
/// annotation is an error, not a silent no-op, and a feature DirectLB does not have yet says so.
/// </summary>
public static partial class ServiceAnnotations
{
    public const string Prefix = "directlb.io/";
    public const string DrainDelay = Prefix + "drain-delay";
    public const string Name = Prefix + "name";
    public const string Scope = Prefix + "scope";
    public const string ClusterWeights = Prefix + "cluster-weights";

    /// <summary>Annotations the design names but this version does not implement: using one is an error.</summary>
    private static readonly ImmutableHashSet<string> NotYetSupported =
    [
        Prefix + "proxy-protocol",
        Prefix + "health-check-path",
        Prefix + "health-check-port",
        Prefix + "health-check-interval",
        Prefix + "scheme",
        Prefix + "tags",
        Prefix + "weight",
    ];

    public static (LoadBalancerSettings Settings, ImmutableArray<string> Errors) Parse(
        IReadOnlyDictionary<string, string> annotations,
        PlannerOptions options)
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        string? name = null;
        var drainDelay = options.DefaultDrainDelay;
        var shares = ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);

        foreach (var (key, value) in annotations.Where(a => a.Key.StartsWith(Prefix, StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            switch (key)
            {
                case DrainDelay when TryParseDuration(value, out var delay) && delay <= options.MaxDrainDelay:
                    drainDelay = delay;
                    break;
                case DrainDelay:
                    errors.Add($"annotation {DrainDelay}: '{value}' is not a duration between 0s and {FormatDuration(options.MaxDrainDelay)} (examples: 30s, 2m, 500ms)");
                    break;
                case Name when LoadBalancerName().IsMatch(value):
                    name = value;
                    break;
                case Name:
                    errors.Add($"annotation {Name}: '{value}' must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit");
                    break;
                case Scope when value is Domain.ServiceScope.Global or Domain.ServiceScope.PerCluster:
                    break;
                case Scope:
                    errors.Add($"annotation {Scope}: '{value}' must be {Domain.ServiceScope.Global} or {Domain.ServiceScope.PerCluster}");
                    break;
                case ClusterWeights when TryParseShares(value, out var parsed):
                    shares = parsed;
                    break;
                case ClusterWeights:
                    errors.Add($"annotation {ClusterWeights}: '{value}' must list cluster=percent pairs adding up to 100, like east=70,west=30");
                    break;
                case var unsupported when NotYetSupported.Contains(unsupported):
                    errors.Add($"annotation {unsupported} is not supported by this version of DirectLB");
                    break;
                default:
                    errors.Add($"annotation {key} is unknown (known: {DrainDelay}, {Name}, {Scope}, {ClusterWeights})");
                    break;
            }
        }

        return (new LoadBalancerSettings(name, drainDelay, shares), errors.ToImmutable());
    }

    /// <summary>Parses "east=70,west=30": every share a whole percent, the total 100.</summary>
    private static bool TryParseShares(string text, out ImmutableSortedDictionary<string, int> shares)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        shares = builder.ToImmutable();
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
                || percent is < 0 or > 100 || !builder.TryAdd(parts[0], percent))
            {
                return false;
            }
        }

        shares = builder.ToImmutable();
        return shares.Count > 0 && shares.Values.Sum() == 100;
    }

    /// <summary>Parses durations the Go way Kubernetes users write them: 500ms, 30s, 2m, 1h, 1m30s.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = DurationSyntax().Match(text.Trim());
        if (!match.Success || match.Length == 0)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitStart = part.Value.IndexOfAny(['h', 'm', 's']);
            var amount = double.Parse(part.Value[..unitStart], CultureInfo.InvariantCulture);
            duration += part.Value[unitStart..] switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                _ => TimeSpan.FromMilliseconds(amount),
            };
        }

        return true;
    }

    private static string FormatDuration(TimeSpan value) =>
        value.TotalHours >= 1 && value.TotalHours == Math.Floor(value.TotalHours) ? $"{value.TotalHours}h" : $"{value.TotalSeconds}s";

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|h|m|s))+$")]
    private static partial Regex DurationSyntax();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex LoadBalancerName();
}
