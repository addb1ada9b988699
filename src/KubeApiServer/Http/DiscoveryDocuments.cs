using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Http;

/// <summary>
/// The minimal discovery surface (<c>/version</c>, <c>/api</c>, <c>/apis</c>, and the per-version resource lists) so
/// tools and clients that probe the server before using it find what they expect.
/// </summary>
internal static class DiscoveryDocuments
{
    /// <returns>The document for a discovery path, or null if the path is not one.</returns>
    public static JsonObject? For(string path, ResourceTable resources)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["version"] => Version(),
            ["api"] => new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(),
            },
            ["apis"] => Groups(resources),
            ["api", var v] => ResourceList("", v, resources),
            ["apis", var g, var v] => ResourceList(g, v, resources),
            _ => null,
        };
    }

    private static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "34",
        ["gitVersion"] = "v1.34.0-directlb-test",
        ["platform"] = "linux/amd64",
    };

    private static JsonObject Groups(ResourceTable resources)
    {
        var groups = new JsonArray();
        foreach (var byGroup in resources.All.Where(k => k.Group.Length > 0).GroupBy(k => k.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = new JsonArray();
            foreach (var version in byGroup.Select(k => k.Version).Distinct())
            {
                versions.Add(new JsonObject { ["groupVersion"] = $"{byGroup.Key}/{version}", ["version"] = version });
            }
            groups.Add(new JsonObject
            {
                ["name"] = byGroup.Key,
                ["versions"] = versions,
                ["preferredVersion"] = versions[0]!.DeepClone(),
            });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private static JsonObject? ResourceList(string group, string version, ResourceTable resources)
    {
        var kinds = resources.All.Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }
        var list = new JsonArray();
        foreach (var kind in kinds)
        {
            var resource = new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Kind.ToLowerInvariant(),
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
            };
            if (kind.ShortNames.Count > 0)
            {
                resource["shortNames"] = new JsonArray(kind.ShortNames.Select(n => (JsonNode)n).ToArray());
            }
            if (kind.Categories.Count > 0)
            {
                resource["categories"] = new JsonArray(kind.Categories.Select(n => (JsonNode)n).ToArray());
            }
            list.Add(resource);
            if (kind.HasStatusSubresource)
            {
                list.Add(new JsonObject
                {
                    ["name"] = kind.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = kind.Namespaced,
                    ["kind"] = kind.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = kinds[0].ApiVersion,
            ["resources"] = list,
        };
    }
}
