using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Patching;

/// <summary>
/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) with RFC 6901 pointers.
/// Failures throw <see cref="JsonPatchException"/>; the server maps them to 422, as the real one does.
/// </summary>
public static class JsonPatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw new JsonPatchException("a JSON patch must be an array of operations");
        }
        var document = target?.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"]?.GetValue<string>() is not { } name)
            {
                throw new JsonPatchException("every JSON patch operation needs an \"op\"");
            }
            var path = Pointer(op, "path");
            document = name switch
            {
                "add" => Add(document, path, Value(op)),
                "remove" => Remove(document, path, out _),
                "replace" => Add(Remove(document, path, out _), path, Value(op)),
                "move" => MoveFrom(document, Pointer(op, "from"), path),
                "copy" => Add(document, path, Get(document, Pointer(op, "from"))?.DeepClone()),
                "test" => JsonNode.DeepEquals(Get(document, path), Value(op))
                    ? document
                    : throw new JsonPatchException($"test operation failed at \"{op["path"]}\""),
                _ => throw new JsonPatchException($"unknown JSON patch operation \"{name}\""),
            };
        }
        return document;
    }

    private static JsonNode? MoveFrom(JsonNode? document, string[] from, string[] path)
    {
        document = Remove(document, from, out var moved);
        return Add(document, path, moved);
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw new JsonPatchException("operation is missing \"value\"");

    private static string[] Pointer(JsonObject op, string field)
    {
        var text = op[field]?.GetValue<string>() ?? throw new JsonPatchException($"operation is missing \"{field}\"");
        if (text.Length == 0)
        {
            return [];
        }
        if (!text.StartsWith('/'))
        {
            throw new JsonPatchException($"invalid JSON pointer \"{text}\"");
        }
        return text[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode? document, string[] path)
    {
        var node = document;
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(segment, out var child) => child,
                JsonArray a when int.TryParse(segment, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new JsonPatchException($"path \"/{string.Join('/', path)}\" does not exist"),
            };
        }
        return node;
    }

    private static JsonNode? Add(JsonNode? document, string[] path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value;
        }
        switch (Get(document, path[..^1]))
        {
            case JsonObject parent:
                parent[path[^1]] = value;
                break;
            case JsonArray array when path[^1] == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(path[^1], out var i) && i >= 0 && i <= array.Count:
                array.Insert(i, value);
                break;
            default:
                throw new JsonPatchException($"cannot add at \"/{string.Join('/', path)}\"");
        }
        return document;
    }

    private static JsonNode? Remove(JsonNode? document, string[] path, out JsonNode? removed)
    {
        if (path.Length == 0)
        {
            removed = document;
            return null;
        }
        removed = Get(document, path);
        switch (Get(document, path[..^1]))
        {
            case JsonObject parent:
                parent.Remove(path[^1]);
                break;
            case JsonArray array:
                array.RemoveAt(int.Parse(path[^1], System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
        return document;
    }
}

/// <summary>A JSON patch that cannot be applied (including a failed <c>test</c>).</summary>
public sealed class JsonPatchException(string message) : Exception(message);
