using DirectLB.Actors.Domain;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Which clients a Service admits: <c>spec.loadBalancerSourceRanges</c>, or when that is empty the older
/// <c>service.beta.kubernetes.io/load-balancer-source-ranges</c> annotation (comma-separated), as the upstream cloud
/// provider reads them. Every block is validated: one bad block is an error for the whole Service, so a typo never
/// opens a load balancer that was meant to be closed.
/// </summary>
public static class SourceRangesField
{
    public const string Annotation = "service.beta.kubernetes.io/load-balancer-source-ranges";

    /// <summary>More blocks than any cloud's firewall takes for one load balancer: a list this long is a mistake.</summary>
    public const int MaxBlocks = 1000;

    /// <summary>The ranges, null when every client is admitted, or null with an error added.</summary>
    public static SourceRanges? Resolve(ServiceSnapshot service, ProviderCapabilities capabilities, List<string> errors)
    {
        string field;
        string[] blocks;
        if (!service.SourceRanges.IsEmpty)
        {
            field = "spec.loadBalancerSourceRanges";
            blocks = [.. service.SourceRanges.Select(b => b.Trim())];
        }
        else
        {
            field = $"annotation {Annotation}";
            var text = service.Annotations.GetValueOrDefault(Annotation)?.Trim() ?? "";
            blocks = text.Length == 0 ? [] : text.Split(',', StringSplitOptions.TrimEntries);
        }

        if (blocks.Length == 0)
        {
            return null;
        }

        if (blocks.Length > MaxBlocks)
        {
            errors.Add($"{field} has {blocks.Length} CIDR blocks, more than the {MaxBlocks} allowed");
            return null;
        }

        var bad = blocks.Where(b => !SourceRanges.TryParseBlock(b, out _)).Take(3).ToList();
        if (bad.Count > 0)
        {
            errors.Add($"{field}: {string.Join(", ", bad.Select(b => $"'{Quote.Short(b)}'"))} {(bad.Count == 1 ? "is not a CIDR block" : "are not CIDR blocks")} (examples: 10.0.0.0/8, 192.168.1.7/32, fd00::/8)");
            return null;
        }

        if (!capabilities.SupportsSourceRanges)
        {
            errors.Add($"{field} is set, but the load balancer provider cannot refuse clients by address");
            return null;
        }

        return SourceRanges.Of(blocks);
    }
}
