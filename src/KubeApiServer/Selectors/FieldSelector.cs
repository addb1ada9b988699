using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Selectors;

/// <summary>
/// The string form of a field selector (<c>?fieldSelector=metadata.name=x,metadata.namespace!=y</c>).
/// Only <c>metadata.name</c>, <c>metadata.namespace</c> and the kind's registered
/// <see cref="ResourceKind.SelectableFields"/> are accepted, mirroring the real server's per-kind field label whitelist.
/// </summary>
public sealed class FieldSelector
{
    private sealed record Requirement(string[] Path, bool Equal, string Value);

    private readonly IReadOnlyList<Requirement> _requirements;

    private FieldSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static FieldSelector Everything { get; } = new([]);

    /// <exception cref="KubeApiException">400 BadRequest on malformed input or an unsupported field.</exception>
    public static FieldSelector Parse(string? text, ResourceKind kind)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var requirements = new List<Requirement>();
        foreach (var raw in text.Split(','))
        {
            var (at, length, equal) = raw.IndexOf("!=", StringComparison.Ordinal) is var ne and >= 0 ? (ne, 2, false)
                : raw.IndexOf("==", StringComparison.Ordinal) is var ee and >= 0 ? (ee, 2, true)
                : raw.IndexOf('=') is var e and >= 0 ? (e, 1, true)
                : throw KubeApiException.BadRequest($"invalid selector: '{text}'; can't understand '{raw}'");
            var field = raw[..at].Trim();
            if (field is not ("metadata.name" or "metadata.namespace") && !kind.SelectableFields.Contains(field))
            {
                throw KubeApiException.BadRequest($"field label not supported: {field}");
            }
            requirements.Add(new Requirement(field.Split('.'), equal, raw[(at + length)..].Trim()));
        }
        return new FieldSelector(requirements);
    }

    public bool Matches(JsonObject obj) => _requirements.All(r => (Resolve(obj, r.Path) == r.Value) == r.Equal);

    // A missing field compares as the empty string, as the real server's field sets do.
    private static string Resolve(JsonObject obj, string[] path)
    {
        JsonNode? node = obj;
        foreach (var segment in path)
        {
            node = node is JsonObject o ? o[segment] : null;
        }
        return node is JsonValue value ? value.ToString() : "";
    }
}
