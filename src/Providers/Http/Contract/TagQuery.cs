namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// Tags in a query string, one <c>key=value</c> pair per parameter: <c>tag</c> filters a find or a list, <c>owner</c>
/// names the owner a verb by id must find on the load balancer before it acts.
/// </summary>
public static class TagQuery
{
    public const string Filter = "tag";
    public const string Owner = "owner";

    public static string Format(string parameter, IEnumerable<KeyValuePair<string, string>> tags) =>
        string.Join('&', tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{parameter}={Uri.EscapeDataString($"{t.Key}={t.Value}")}"));

    /// <summary>Each value is <c>key=value</c>, split at the first '=' (tag keys hold none); null when one is malformed.</summary>
    public static Dictionary<string, string>? Parse(IEnumerable<string?> values)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            if (equals <= 0)
            {
                return null;
            }

            tags[value![..equals]] = value[(equals + 1)..];
        }

        return tags;
    }
}
