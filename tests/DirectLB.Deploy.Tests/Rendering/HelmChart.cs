using System.Text;
using System.Text.RegularExpressions;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>
/// A Helm chart rendered as <c>helm template</c> would, through <see cref="GoTemplate"/>: values.yaml with
/// overrides merged over it (as <c>-f</c> does), <c>.Release</c> and <c>.Chart</c>, empty documents left out.
/// </summary>
public sealed partial class HelmChart(string directory)
{
    public const string DefaultNamespace = "directlb";
    public const string DefaultReleaseName = "directlb";

    public string Name => ChartFile.Str("name");

    private Dictionary<string, object?> ChartFile => PlainYaml.Load(File.ReadAllText(Path.Combine(directory, "Chart.yaml")));

    public IReadOnlyList<RenderedDocument> Render(string? valuesOverride = null, string releaseNamespace = DefaultNamespace)
    {
        var values = PlainYaml.Load(File.ReadAllText(Path.Combine(directory, "values.yaml")));
        if (valuesOverride is not null)
        {
            Merge(values, PlainYaml.Load(valuesOverride));
        }

        var chart = ChartFile;
        var root = new Dictionary<string, object?>
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?> { ["Name"] = DefaultReleaseName, ["Namespace"] = releaseNamespace },
            ["Chart"] = new Dictionary<string, object?>
            {
                ["Name"] = chart.Str("name"),
                ["Version"] = chart.Str("version"),
                ["AppVersion"] = chart.Str("appVersion"),
            },
        };

        return
        [
            .. Directory.GetFiles(Path.Combine(directory, "templates"), "*.yaml")
                .Order(StringComparer.Ordinal)
                .SelectMany(path => Split(
                    $"{Name}/templates/{Path.GetFileName(path)}",
                    GoTemplate.Render(File.ReadAllText(path), root))),
        ];
    }

    /// <summary>The documents as one multi-document file, in the shape <c>helm template</c> prints.</summary>
    public static string ToManifest(IEnumerable<RenderedDocument> documents)
    {
        var manifest = new StringBuilder();
        foreach (var document in documents)
        {
            manifest.Append("---\n# Source: ").Append(document.Source).Append('\n').Append(document.Text).Append('\n');
        }

        return manifest.ToString();
    }

    [GeneratedRegex(@"^---[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    private static IEnumerable<RenderedDocument> Split(string source, string rendered) =>
        DocumentSeparator().Split(rendered)
            .Select(text => text.Trim('\n'))
            .Select(text => (text, trees: PlainYaml.LoadDocuments(text)))
            // A document of only comments or whitespace is left out, as helm does.
            .Where(part => part.trees.Count > 0)
            .Select(part => new RenderedDocument(source, part.text, part.trees.Single()));

    private static void Merge(Dictionary<string, object?> target, Dictionary<string, object?> source)
    {
        foreach (var (key, value) in source)
        {
            if (value is Dictionary<string, object?> nested && target.GetValueOrDefault(key) is Dictionary<string, object?> existing)
            {
                Merge(existing, nested);
            }
            else
            {
                target[key] = value;
            }
        }
    }
}
