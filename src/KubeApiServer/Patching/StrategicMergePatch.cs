using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Patching;

/// <summary>
/// Kubernetes' strategic merge patch, as far as the lists controllers patch go: a merge patch, except that lists
/// the API schema declares with a merge key merge element by element on that key instead of being replaced. That is
/// what lets a controller set one pod condition (merged by <c>type</c>) without erasing the kubelet's. The real
/// server takes the keys from the Go types' <c>patchMergeKey</c> tags; here they are listed by path (a list element
/// adds <c>[]</c>), for the fields that have one in the core types patched in practice. Other lists, and
/// <c>$patch</c> directives, behave as in a merge patch.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly IReadOnlyDictionary<string, string> MergeKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["status.conditions"] = "type",
        ["spec.ports"] = "port",
        ["spec.volumes"] = "name",
        ["spec.containers"] = "name",
        ["spec.initContainers"] = "name",
        ["spec.containers[].ports"] = "containerPort",
        ["spec.containers[].env"] = "name",
        ["spec.initContainers[].env"] = "name",
    };

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => Apply(target, patch, "");

    private static JsonNode? Apply(JsonNode? target, JsonNode? patch, string path)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            var at = path.Length == 0 ? key : $"{path}.{key}";
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonArray patchList && result[key] is JsonArray targetList && MergeKeys.TryGetValue(at, out var mergeKey))
            {
                result[key] = MergeByKey(targetList, patchList, mergeKey, at + "[]");
            }
            else
            {
                result[key] = Apply(result[key], value, at);
            }
        }

        return result;
    }

    /// <summary>Each patch element replaces-by-merge the target element with the same key, or is appended; the others stay.</summary>
    private static JsonArray MergeByKey(JsonArray target, JsonArray patch, string mergeKey, string elementPath)
    {
        var merged = target.Select(e => e?.DeepClone()).ToList();
        foreach (var element in patch)
        {
            var key = (element as JsonObject)?[mergeKey]?.ToJsonString();
            var at = key is null ? -1 : merged.FindIndex(e => (e as JsonObject)?[mergeKey]?.ToJsonString() == key);
            if (at >= 0)
            {
                merged[at] = Apply(merged[at], element, elementPath);
            }
            else
            {
                merged.Add(element?.DeepClone());
            }
        }

        return new JsonArray([.. merged]);
    }
}
