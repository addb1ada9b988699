using System.Text;
using System.Text.Json;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>Navigation and a canonical form for the plain trees <see cref="PlainYaml"/> reads.</summary>
public static class PlainTree
{
    /// <summary>Follows a dotted path of mapping keys; a missing key is a test failure, not a null.</summary>
    public static object? At(this object? tree, string path)
    {
        var current = tree;
        foreach (var key in path.Split('.'))
        {
            current = current is Dictionary<string, object?> map && map.TryGetValue(key, out var next)
                ? next
                : throw new KeyNotFoundException($"no '{key}' on the way to '{path}'");
        }

        return current;
    }

    public static Dictionary<string, object?> Map(this object? tree, string path) =>
        tree.At(path) as Dictionary<string, object?> ?? throw new InvalidCastException($"'{path}' is not a mapping");

    public static IReadOnlyList<Dictionary<string, object?>> Maps(this object? tree, string path) =>
        tree.At(path) is List<object?> list
            ? [.. list.Select(item => item as Dictionary<string, object?> ?? throw new InvalidCastException($"'{path}' holds a non-mapping"))]
            : throw new InvalidCastException($"'{path}' is not a list");

    public static IReadOnlyList<string> Strings(this object? tree, string path) =>
        tree.At(path) is List<object?> list
            ? [.. list.Select(item => item as string ?? throw new InvalidCastException($"'{path}' holds a non-string"))]
            : throw new InvalidCastException($"'{path}' is not a list");

    public static string Str(this object? tree, string path) =>
        tree.At(path) as string ?? throw new InvalidCastException($"'{path}' is not a string");

    /// <summary>JSON with sorted keys: two trees are equal exactly when their canonical forms are.</summary>
    public static string Canonical(object? tree)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, tree);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? tree)
    {
        switch (tree)
        {
            case Dictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.OrderBy(entry => entry.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                JsonSerializer.Serialize(writer, tree);
                break;
        }
    }
}
