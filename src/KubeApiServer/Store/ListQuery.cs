using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Selectors;

namespace DirectLB.KubeApiServer.Store;

/// <summary>A list request: which objects, and optionally one page of them.</summary>
/// <param name="Filter">Namespace and selectors.</param>
/// <param name="Limit">Maximum items to return; null or 0 for all.</param>
/// <param name="Continue">The opaque token from the previous page's <see cref="ListResult.Continue"/>.</param>
public sealed record ListQuery(ObjectFilter Filter, int? Limit = null, string? Continue = null)
{
    public static ListQuery All { get; } = new(ObjectFilter.All);
}

/// <summary>A list response's payload: items (copies), the revision they reflect, and the next page's token if any.</summary>
public sealed record ListResult(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? Continue);
