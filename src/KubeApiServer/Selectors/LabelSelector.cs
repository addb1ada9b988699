namespace DirectLB.KubeApiServer.Selectors;

/// <summary>
/// The string form of a label selector as sent in <c>?labelSelector=</c>: comma-separated requirements
/// <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>, <c>a in (x,y)</c>, <c>a notin (x,y)</c>.
/// </summary>
public sealed class LabelSelector
{
    private enum Op { Equals, NotEquals, Exists, NotExists, In, NotIn }

    private sealed record Requirement(string Key, Op Op, IReadOnlyList<string> Values);

    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    /// <exception cref="KubeApiException">400 BadRequest on malformed input, as the real server answers.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        return new LabelSelector(SplitTopLevel(text).Select(ParseRequirement).ToList());
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Op switch
    {
        Op.Equals => labels.TryGetValue(r.Key, out var v) && v == r.Values[0],
        // Kubernetes semantics: "!=" and "notin" also match objects that lack the label entirely.
        Op.NotEquals => !labels.TryGetValue(r.Key, out var v) || v != r.Values[0],
        Op.Exists => labels.ContainsKey(r.Key),
        Op.NotExists => !labels.ContainsKey(r.Key),
        Op.In => labels.TryGetValue(r.Key, out var v) && r.Values.Contains(v),
        Op.NotIn => !labels.TryGetValue(r.Key, out var v) || !r.Values.Contains(v),
        _ => false,
    });

    // Commas separate requirements except inside the parentheses of a set requirement.
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }
        yield return text[start..];
    }

    private static Requirement ParseRequirement(string raw)
    {
        var text = raw.Trim();
        if (text.Length == 0)
        {
            throw Malformed(raw);
        }
        if (text.StartsWith('!'))
        {
            return new Requirement(ValidKey(text[1..].Trim(), raw), Op.NotExists, []);
        }
        foreach (var (token, op) in new[] { ("!=", Op.NotEquals), ("==", Op.Equals), ("=", Op.Equals) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at >= 0)
            {
                return new Requirement(ValidKey(text[..at].Trim(), raw), op, [text[(at + token.Length)..].Trim()]);
            }
        }
        var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            return new Requirement(ValidKey(parts[0], raw), Op.Exists, []);
        }
        var rest = parts[1];
        var setOp = rest.StartsWith("notin", StringComparison.Ordinal) ? Op.NotIn
            : rest.StartsWith("in", StringComparison.Ordinal) ? Op.In
            : throw Malformed(raw);
        var set = rest[(setOp == Op.In ? 2 : 5)..].Trim();
        if (!set.StartsWith('(') || !set.EndsWith(')'))
        {
            throw Malformed(raw);
        }
        var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new Requirement(ValidKey(parts[0], raw), setOp, values);
    }

    private static string ValidKey(string key, string raw) =>
        key.Length == 0 || key.Any(char.IsWhiteSpace) ? throw Malformed(raw) : key;

    private static KubeApiException Malformed(string raw) =>
        KubeApiException.BadRequest($"unable to parse requirement: found '{raw.Trim()}', expected a label selector requirement");
}
