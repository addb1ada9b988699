using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using DirectLB.Actors.Domain;
using DirectLB.Providers.Model;

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
    public const string Scope = ServiceScope.Annotation;
    public const string ClusterWeights = Prefix + "cluster-weights";
    public const string Weighting = Prefix + "weighting";
    public const string ProxyProtocol = Prefix + "proxy-protocol";
    public const string HealthCheckPath = Prefix + "health-check-path";
    public const string HealthCheckPort = Prefix + "health-check-port";
    public const string HealthCheckInterval = Prefix + "health-check-interval";
    public const string HealthyThreshold = Prefix + "health-check-healthy-threshold";
    public const string UnhealthyThreshold = Prefix + "health-check-unhealthy-threshold";
    public const string HealthCheck = Prefix + "health-check";
    public const string Address = RequestedAddressField.Annotation;

    /// <summary>Annotations the design names but this version does not implement: using one is an error.</summary>
    private static readonly ImmutableHashSet<string> NotYetSupported = [Prefix + "scheme", Prefix + "tags"];

    /// <summary>Each known annotation and how it changes the settings, or why its value is refused.</summary>
    private static readonly ImmutableSortedDictionary<string, Func<Draft, string, PlannerOptions, string?>> Known =
        new Dictionary<string, Func<Draft, string, PlannerOptions, string?>>
        {
            [DrainDelay] = (d, v, o) => TryParseDuration(v, out var delay) && delay <= o.MaxDrainDelay
                ? Set(() => d.DrainDelay = delay)
                : $"'{Quote.Short(v)}' is not a duration between 0s and {o.MaxDrainDelay.TotalMinutes}m (examples: 30s, 2m, 500ms)",
            [Name] = (d, v, _) => LoadBalancerName().IsMatch(v)
                ? Set(() => d.Name = v)
                : $"'{Quote.Short(v)}' must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit",
            [Scope] = (_, v, _) => v is ServiceScope.Global or ServiceScope.PerCluster ? null : $"'{Quote.Short(v)}' must be {ServiceScope.Global} or {ServiceScope.PerCluster}",
            [ClusterWeights] = (d, v, _) => TryParseShares(v, out var shares)
                ? Set(() => d.ClusterShares = shares)
                : $"'{Quote.Short(v)}' must list cluster=percent pairs adding up to 100, like east=70,west=30",
            [Address] = (_, _, _) => null, // validated with spec.loadBalancerIP (RequestedAddressField)
            [Weighting] = (d, v, _) => v is "pod" or "node" ? Set(() => d.PerNode = v == "node") : $"'{Quote.Short(v)}' must be pod (equal weight per pod) or node (equal weight per node)",
            [ProxyProtocol] = (d, v, _) => v == "v2" ? Set(() => d.ProxyProtocolV2 = true) : $"'{Quote.Short(v)}' is not supported; the only value is v2",
            [HealthCheck] = (d, v, _) => v is "tcp" or "http" or "none" ? Set(() => d.HealthCheckKind = v) : $"'{Quote.Short(v)}' must be tcp, http or none",
            [HealthCheckPath] = (d, v, _) => HttpPath().IsMatch(v)
                ? Set(() => d.Check = d.Check with { HttpPath = v })
                : $"'{Quote.Short(v)}' must be a path starting with / of at most 1024 URL characters (letters, digits, -._~%!$&()*+,;=:@/?; others percent-encoded)",
            [HealthCheckPort] = (d, v, _) => int.TryParse(v, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? Set(() => d.Check = d.Check with { Port = port })
                : $"'{Quote.Short(v)}' is not a port number",
            [HealthCheckInterval] = (d, v, _) => TryParseDuration(v, out var every) && every >= TimeSpan.FromMilliseconds(100) && every <= TimeSpan.FromMinutes(5)
                ? Set(() => d.Check = d.Check with { IntervalMilliseconds = (int)every.TotalMilliseconds })
                : $"'{Quote.Short(v)}' is not a duration between 100ms and 5m",
            [HealthyThreshold] = (d, v, _) => int.TryParse(v, CultureInfo.InvariantCulture, out var rise) && rise is >= 1 and <= 100
                ? Set(() => d.Check = d.Check with { Rise = rise })
                : $"'{Quote.Short(v)}' is not a count between 1 and 100",
            [UnhealthyThreshold] = (d, v, _) => int.TryParse(v, CultureInfo.InvariantCulture, out var fall) && fall is >= 1 and <= 100
                ? Set(() => d.Check = d.Check with { Fall = fall })
                : $"'{Quote.Short(v)}' is not a count between 1 and 100",
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    public static (LoadBalancerSettings Settings, ImmutableArray<string> Errors) Parse(
        IReadOnlyDictionary<string, string> annotations,
        PlannerOptions options)
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        var draft = new Draft(options.DefaultDrainDelay);
        foreach (var (key, value) in annotations.Where(a => a.Key.StartsWith(Prefix, StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (Known.TryGetValue(key, out var apply))
            {
                if (apply(draft, value.Trim(), options) is { } problem)
                {
                    errors.Add($"annotation {key}: {problem}");
                }
            }
            else if (NotYetSupported.Contains(key))
            {
                errors.Add($"annotation {key} is not supported by this version of DirectLB");
            }
            else
            {
                errors.Add($"annotation {Quote.Short(key)} is unknown (known: {string.Join(", ", Known.Keys)})");
            }
        }

        if (draft.HealthCheckKind == "none" && draft.Check != new HealthCheckSpec())
        {
            errors.Add($"annotation {HealthCheck}: none, yet other health check annotations are set");
        }

        if (draft.HealthCheckKind == "http" && draft.Check.HttpPath is null)
        {
            draft.Check = draft.Check with { HttpPath = "/" };
        }

        var check = draft.HealthCheckKind == "none" ? null : draft.Check;
        return (new LoadBalancerSettings(draft.Name, draft.DrainDelay, draft.ClusterShares, check, draft.ProxyProtocolV2, draft.PerNode), errors.ToImmutable());
    }

    /// <summary>
    /// Parses durations the Go way Kubernetes users write them: 500ms, 30s, 2m, 1h, 1m30s. ASCII digits only, and a
    /// duration too long for <see cref="TimeSpan"/> (99999999999h) does not parse.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = DurationSyntax().Match(text.Trim());
        if (!match.Success || match.Length == 0)
        {
            return false;
        }

        var milliseconds = 0.0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitStart = part.Value.IndexOfAny(['h', 'm', 's']);
            var amount = double.Parse(part.Value[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            milliseconds += amount * part.Value[unitStart..] switch
            {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                _ => 1,
            };
        }

        // Digits enough to overflow a double give infinity; anything at or past TimeSpan's range would throw.
        if (!double.IsFinite(milliseconds) || milliseconds >= TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>1-63 lowercase letters, digits or '-', starting and ending with a letter or digit: what every provider takes.</summary>
    public static bool IsLoadBalancerName(string name) => LoadBalancerName().IsMatch(name);

    private static string? Set(Action apply)
    {
        apply();
        return null;
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

    [GeneratedRegex(@"^(?<part>[0-9]+(\.[0-9]+)?(ms|h|m|s))+$")]
    private static partial Regex DurationSyntax();

    /// <summary>What an HTTP request line and a load balancer's configuration carry as they are: no quote, backslash, '#' or space.</summary>
    [GeneratedRegex(@"\A/[A-Za-z0-9\-._~%!$&()*+,;=:@/?]{0,1023}\z")]
    private static partial Regex HttpPath();

    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z")]
    private static partial Regex LoadBalancerName();

    /// <summary>The settings while annotations are read; TCP health check by default.</summary>
    private sealed class Draft(TimeSpan drainDelay)
    {
        public string? Name { get; set; }

        public TimeSpan DrainDelay { get; set; } = drainDelay;

        public ImmutableSortedDictionary<string, int> ClusterShares { get; set; } = ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);

        public bool PerNode { get; set; }

        public bool ProxyProtocolV2 { get; set; }

        public string HealthCheckKind { get; set; } = "tcp";

        public HealthCheckSpec Check { get; set; } = new();
    }
}
