using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace DirectLB.Actors.Replicas;

/// <summary>The settings every replica must share, as member roles "config-SETTING-HASH": only hashes travel.</summary>
public static class ConfigurationRoles
{
    private const string Prefix = "config-";

    /// <summary>One role per setting; values are hashed, since a journal's location is nobody's business in gossip.</summary>
    public static IEnumerable<string> For(IReadOnlyDictionary<string, string> settings) =>
        settings.Select(s => $"{Prefix}{s.Key}-{Hash(s.Value)}");

    /// <summary>The names of the settings whose values differ between two members' roles.</summary>
    public static ImmutableSortedSet<string> Differences(IEnumerable<string> mine, IEnumerable<string> theirs)
    {
        var a = Parse(mine);
        var b = Parse(theirs);
        return [.. a.Keys.Union(b.Keys).Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))];
    }

    private static Dictionary<string, string> Parse(IEnumerable<string> roles) =>
        roles.Where(r => r.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(r => r[Prefix.Length..])
            .Select(r => (Setting: r[..r.LastIndexOf('-')], Hash: r[(r.LastIndexOf('-') + 1)..]))
            .ToDictionary(r => r.Setting, r => r.Hash, StringComparer.Ordinal);

    private static string Hash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..12];
}
