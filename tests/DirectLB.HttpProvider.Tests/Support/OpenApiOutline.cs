using System.Text.RegularExpressions;

namespace DirectLB.Providers.Http.Tests.Support;

/// <summary>
/// The parts of an OpenAPI YAML document the tests check, read line by line: its operations, its components
/// and the references between them. It reads the plain block style openapi.yaml is written in (two spaces
/// per level, <c>key: value</c>, <c>- item</c>, <c>|</c> text blocks) and fails on any other line, which is
/// how it also checks that the document stays simple YAML.
/// </summary>
public sealed partial record OpenApiOutline(
    string Version,
    IReadOnlySet<string> Operations,
    IReadOnlySet<string> Components,
    IReadOnlySet<string> References)
{
    private static readonly HashSet<string> Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    public static OpenApiOutline Parse(string yaml)
    {
        string? version = null, section = null, path = null, componentKind = null;
        var operations = new HashSet<string>();
        var components = new HashSet<string>();
        var references = new HashSet<string>();
        int? textBlockIndent = null;
        var lines = yaml.ReplaceLineEndings("\n").Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1];
            var content = line.TrimStart(' ');
            var indent = line.Length - content.Length;
            if (content.Length == 0 || indent > textBlockIndent)
            {
                continue;
            }

            textBlockIndent = null;
            if (content.Contains('\t') || indent % 2 != 0)
            {
                throw new FormatException($"line {number} is not indented by two spaces per level: '{line}'");
            }

            if (Reference().Match(content) is { Success: true } reference)
            {
                references.Add(reference.Groups["target"].Value);
            }

            var isItem = content.StartsWith("- ", StringComparison.Ordinal);
            var (key, value) = SplitKey(isItem ? content[2..] : content);
            if (key is null && !isItem)
            {
                throw new FormatException($"line {number} is neither a key nor a list item: '{line}'");
            }

            if (value is "|" or ">")
            {
                textBlockIndent = indent;
            }

            // List items carry parameters, enums and examples: nothing that names an operation or a component.
            if (isItem || key is null)
            {
                continue;
            }

            switch (indent / 2)
            {
                case 0:
                    section = key;
                    version = key == "openapi" ? value : version;
                    break;
                case 1 when section == "paths":
                    path = key;
                    break;
                case 1 when section == "components":
                    componentKind = key;
                    break;
                case 2 when section == "paths" && Methods.Contains(key):
                    operations.Add($"{key.ToUpperInvariant()} {path}");
                    break;
                case 2 when section == "components":
                    components.Add($"{componentKind}/{key}");
                    break;
            }
        }

        return new OpenApiOutline(version ?? throw new FormatException("no openapi line"), operations, components, references);
    }

    /// <summary>A key ends at the first ": " or at a ':' closing the line; a path key may hold ':' itself.</summary>
    private static (string? Key, string Value) SplitKey(string content)
    {
        var separator = content.IndexOf(": ", StringComparison.Ordinal);
        var key = separator >= 0 ? content[..separator] : content.EndsWith(':') ? content[..^1] : null;
        return (key?.Trim('"', '\''), separator >= 0 ? content[(separator + 2)..].Trim() : "");
    }

    [GeneratedRegex(@"\$ref:\s*'#/components/(?<target>[^']+)'")]
    private static partial Regex Reference();
}
