using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>
/// YAML read into plain trees: <c>Dictionary&lt;string, object?&gt;</c>, <c>List&lt;object?&gt;</c>, and
/// string, bool, long, double or null, typed as Kubernetes reads them (YAML 1.2 core schema: plain
/// <c>true</c> is a bool, quoted <c>"true"</c> a string).
/// </summary>
public static class PlainYaml
{
    /// <summary>Every non-empty document of a multi-document stream.</summary>
    public static IReadOnlyList<Dictionary<string, object?>> LoadDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return
        [
            .. stream.Documents
                .Select(document => ToPlain(document.RootNode))
                .Where(tree => tree is not null)
                .Select(tree => tree as Dictionary<string, object?>
                    ?? throw new FormatException($"a document is a {tree!.GetType().Name}, not a mapping")),
        ];
    }

    public static Dictionary<string, object?> Load(string text) =>
        LoadDocuments(text) is [var single] ? single : throw new FormatException("expected exactly one YAML document");

    private static object? ToPlain(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            entry => ((YamlScalarNode)entry.Key).Value ?? throw new FormatException("a null mapping key"),
            entry => ToPlain(entry.Value)),
        YamlSequenceNode list => list.Children.Select(ToPlain).ToList(),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new FormatException($"unsupported YAML node {node.NodeType}"),
    };

    private static object? ToScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return value;
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => whole,
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => real,
            _ => value,
        };
    }
}
