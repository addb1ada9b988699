using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Http;

/// <summary>
/// A resource URL taken apart: <c>/api/v1[/namespaces/{ns}]/{plural}[/{name}[/status]]</c> for the core group,
/// <c>/apis/{group}/{version}/...</c> otherwise. The deprecated <c>.../watch/...</c> form some older clients still
/// use is accepted and marks the request as a watch.
/// </summary>
internal sealed record ApiRequestPath(ResourceKind Kind, string? Namespace, string? Name, bool Status, bool LegacyWatch)
{
    public bool IsCollection => Name is null;

    /// <returns>The parsed path, or null when the path does not address a resource (discovery or unknown URL).</returns>
    public static ApiRequestPath? Parse(string path, ResourceTable resources)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var (group, version, rest) = segments switch
        {
            ["api", var v, .. var r] => ("", v, r),
            ["apis", var g, var v, .. var r] => (g, v, r),
            _ => ("", "", Array.Empty<string>()),
        };
        var legacyWatch = rest is ["watch", ..];
        if (legacyWatch)
        {
            rest = rest[1..];
        }
        string? ns = null;
        // "namespaces/x/<plural>..." is a namespaced path; "namespaces/x" and "namespaces/x/status" address a Namespace.
        if (rest is ["namespaces", var n, var next, ..] && next != "status")
        {
            ns = n;
            rest = rest[2..];
        }
        if (rest.Length is 0 or > 3 || resources.Find(group, version, rest[0]) is not { } kind)
        {
            return null;
        }
        // A cluster-scoped kind has no namespaced URLs; a namespaced kind has a cluster-wide list but no item URL.
        if ((ns is not null && !kind.Namespaced) || (ns is null && kind.Namespaced && rest.Length > 1))
        {
            return null;
        }
        return rest switch
        {
            [_] => new ApiRequestPath(kind, ns, null, false, legacyWatch),
            [_, var name] => new ApiRequestPath(kind, ns, name, false, legacyWatch),
            [_, var name, "status"] => new ApiRequestPath(kind, ns, name, true, legacyWatch),
            _ => null,
        };
    }
}
