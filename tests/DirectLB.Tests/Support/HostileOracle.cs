using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Tests.Support;

/// <summary>
/// What a planned load balancer must satisfy before any provider sees it, written independently of the planner:
/// the property tests hold every accepted plan to it.
/// </summary>
public static partial class HostileOracle
{
    public static bool IsProviderSafeName(string name) => SafeName().IsMatch(name);

    /// <summary>Printable ASCII of a URL path and query, nothing a configuration file quotes, escapes or comments out.</summary>
    public static bool IsSafeHttpPath(string path) => SafePath().IsMatch(path);

    /// <summary>An IP address as its canonical text (no leading zeros, no shorthand like "1", no zone or prefix).</summary>
    public static bool IsCanonicalAddress(string address) =>
        IPAddress.TryParse(address, out var ip) && ip.ToString() == address && !address.Contains('%');

    /// <summary>A CIDR block, canonical or with bits set past its prefix: IPv4 canonical, IPv6 in any spelling but a zone or brackets.</summary>
    public static bool IsCidrBlock(string block)
    {
        var parts = block.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || parts[1] != prefix.ToString(CultureInfo.InvariantCulture))
        {
            return false;
        }

        var v6 = IPAddress.TryParse(parts[0], out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            && parts[0].All(c => char.IsAsciiHexDigit(c) || c is ':' or '.');
        return v6 ? prefix <= 128 : IsCanonicalAddress(parts[0]) && ip!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && prefix <= 32;
    }

    /// <summary>A CIDR block as its canonical text: a canonical address with no bit set past a prefix in range.</summary>
    public static bool IsCanonicalCidr(string block)
    {
        var parts = block.Split('/');
        if (parts.Length != 2 || !IsCanonicalAddress(parts[0]) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || parts[1] != prefix.ToString(CultureInfo.InvariantCulture))
        {
            return false;
        }

        var bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
        return prefix <= bytes.Length * 8 && Enumerable.Range(prefix, (bytes.Length * 8) - prefix).All(bit => (bytes[bit / 8] & (0x80 >> (bit % 8))) == 0);
    }

    /// <summary>Says something, in at most 1024 characters, none of which can break or hide a log line (control, format, separators).</summary>
    public static bool IsFitForAnEvent(string message) =>
        !string.IsNullOrWhiteSpace(message) && message.Length <= 1024
        && !message.EnumerateRunes().Any(r => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate);

    /// <summary>Every reason the plan is unsafe to hand a provider; empty when it is safe.</summary>
    public static IEnumerable<string> Violations(DesiredState desired, ProviderCapabilities capabilities, PlannerOptions options)
    {
        foreach (var error in desired.Errors.Where(e => !IsFitForAnEvent(e)))
        {
            yield return $"error not fit for an Event or a log line: {error.Length} characters";
        }

        if (desired.LoadBalancer is not { } lb)
        {
            yield break;
        }

        if (!desired.IsValid)
        {
            yield return "a load balancer planned despite errors";
        }

        if (!IsProviderSafeName(lb.Name))
        {
            yield return $"name '{lb.Name}'";
        }

        if (lb.Address is { } address && (!IsCanonicalAddress(address) || !capabilities.SupportsRequestedAddress))
        {
            yield return $"requested address '{address}'";
        }

        var maxDelay = options.MaxDrainDelay > options.DefaultDrainDelay ? options.MaxDrainDelay : options.DefaultDrainDelay;
        if (lb.DrainDelay < TimeSpan.Zero || lb.DrainDelay > maxDelay || (!capabilities.SupportsDrain && lb.DrainDelay != TimeSpan.Zero))
        {
            yield return $"drain delay {lb.DrainDelay}";
        }

        var targets = 0;
        foreach (var (key, listener) in lb.Listeners)
        {
            if (key != listener.Spec.Key || key.Port is < 1 or > 65535 || !capabilities.Supports(key.Protocol))
            {
                yield return $"listener {key}";
            }

            if (listener.Spec.HealthCheck?.Validate() is { } check)
            {
                yield return check;
            }

            if (listener.Spec.SourceRanges is { } ranges
                && (!capabilities.SupportsSourceRanges || ranges.Blocks.IsEmpty || !ranges.Blocks.All(IsCanonicalCidr)))
            {
                yield return $"listener {key} source ranges {ranges}";
            }

            if (listener.Spec.Affinity is { } affinity
                && (!capabilities.SupportsSessionAffinity || affinity.TimeoutSeconds is < 1 or > ClientIpAffinity.MaxTimeoutSeconds))
            {
                yield return $"listener {key} affinity {affinity}";
            }

            foreach (var (targetKey, target) in listener.Targets)
            {
                targets++;
                if (targetKey != target.Key || targetKey.Port is < 1 or > 65535 || !IsCanonicalAddress(targetKey.Address))
                {
                    yield return $"target {targetKey}";
                }

                if (target.Weight is < 1 or > ShareWeights.MaxWeight || (target.State == TargetState.Draining && !capabilities.SupportsDrain))
                {
                    yield return $"target {targetKey} weight {target.Weight} state {target.State}";
                }
            }
        }

        if (targets > capabilities.MaxTargetsPerLoadBalancer)
        {
            yield return $"{targets} targets over the limit of {capabilities.MaxTargetsPerLoadBalancer}";
        }
    }

    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"\A/[A-Za-z0-9\-._~%!$&()*+,;=:@/?]{0,1023}\z")]
    private static partial Regex SafePath();
}
