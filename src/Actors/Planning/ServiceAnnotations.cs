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

    /// <summary>Annotations the design names but this version does not implement: using one is an error.</summary>
    private static readonly ImmutableHashSet<string> NotYetSupported =
    [
        Prefix + "proxy-protocol",
        Prefix + "health-check-path",
        Prefix + "health-check-port",
        Prefix + "health-check-interval",
        Prefix + "scheme",
        Prefix + "scope",
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
                case var unsupported when NotYetSupported.Contains(unsupported):
                    errors.Add($"annotation {unsupported} is not supported by this version of DirectLB");
                    break;
                default:
                    errors.Add($"annotation {key} is unknown (known: {DrainDelay}, {Name})");
                    break;
            }
        }

        return (new LoadBalancerSettings(name, drainDelay), errors.ToImmutable());
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
