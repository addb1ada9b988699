using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>
/// Renders the small subset of Go templates the chart is allowed to use, so the chart is tested without helm:
/// <c>{{ .a.b }}</c> and <c>{{ $.a.b }}</c>, <c>{{ . }}</c>, pipes to <c>quote</c> and <c>b64enc</c>,
/// <c>{{ if PATH }}</c> and <c>{{ range PATH }}</c> closed by <c>{{ end }}</c>, and the <c>{{- </c> / <c> -}}</c>
/// whitespace trims. Anything else, and any key missing from the data, throws: a template that leaves the
/// subset fails the tests instead of rendering differently from helm.
/// </summary>
public static partial class GoTemplate
{
    public static string Render(string template, object? root)
    {
        var tokens = Tokenize(template);
        var position = 0;
        var nodes = Parse(tokens, ref position, closedByEnd: false);
        var output = new StringBuilder();
        foreach (var node in nodes)
        {
            node.Write(output, root, root);
        }

        return output.ToString();
    }

    private abstract record Node
    {
        public abstract void Write(StringBuilder output, object? dot, object? root);
    }

    private sealed record Text(string Value) : Node
    {
        public override void Write(StringBuilder output, object? dot, object? root) => output.Append(Value);
    }

    private sealed record Output(string Pipeline) : Node
    {
        public override void Write(StringBuilder output, object? dot, object? root) =>
            output.Append(EvaluatePipeline(Pipeline, dot, root));
    }

    private sealed record If(string Path, IReadOnlyList<Node> Body) : Node
    {
        public override void Write(StringBuilder output, object? dot, object? root)
        {
            if (IsTrue(Resolve(Path, dot, root)))
            {
                WriteAll(Body, output, dot, root);
            }
        }
    }

    private sealed record Range(string Path, IReadOnlyList<Node> Body) : Node
    {
        public override void Write(StringBuilder output, object? dot, object? root)
        {
            var items = Resolve(Path, dot, root) switch
            {
                null => [],
                IReadOnlyList<object?> list => list,
                var other => throw new NotSupportedException($"range over {other.GetType().Name} ('{Path}'); only lists are supported"),
            };
            foreach (var item in items)
            {
                WriteAll(Body, output, item, root);
            }
        }
    }

    private static void WriteAll(IReadOnlyList<Node> nodes, StringBuilder output, object? dot, object? root)
    {
        foreach (var node in nodes)
        {
            node.Write(output, dot, root);
        }
    }

    private sealed record Token(bool IsAction, string Value);

    // Go's trim markers need a space next to the dash: "{{- x -}}".
    [GeneratedRegex(@"\{\{(?<left>- )?\s*(?<body>.*?)\s*(?<right> -)?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    private static List<Token> Tokenize(string template)
    {
        var tokens = new List<Token>();
        var trimNextText = false;
        var last = 0;
        foreach (Match match in Action().Matches(template))
        {
            var text = template[last..match.Index];
            if (trimNextText)
            {
                text = text.TrimStart();
            }

            if (match.Groups["left"].Success)
            {
                text = text.TrimEnd();
            }

            tokens.Add(new Token(false, text));
            tokens.Add(new Token(true, match.Groups["body"].Value));
            trimNextText = match.Groups["right"].Success;
            last = match.Index + match.Length;
        }

        var rest = template[last..];
        tokens.Add(new Token(false, trimNextText ? rest.TrimStart() : rest));
        return tokens;
    }

    private static List<Node> Parse(List<Token> tokens, ref int position, bool closedByEnd)
    {
        var nodes = new List<Node>();
        while (position < tokens.Count)
        {
            var token = tokens[position++];
            if (!token.IsAction)
            {
                nodes.Add(new Text(token.Value));
                continue;
            }

            var words = token.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "end" when closedByEnd && words.Length == 1:
                    return nodes;
                case "if" when words.Length == 2:
                    nodes.Add(new If(words[1], Parse(tokens, ref position, closedByEnd: true)));
                    break;
                case "range" when words.Length == 2:
                    nodes.Add(new Range(words[1], Parse(tokens, ref position, closedByEnd: true)));
                    break;
                case var first when first.StartsWith('.') || first.StartsWith('$'):
                    nodes.Add(new Output(token.Value));
                    break;
                default:
                    throw new NotSupportedException($"'{{{{ {token.Value} }}}}' is outside the template subset the chart tests render");
            }
        }

        return closedByEnd ? throw new FormatException("an if or range has no end") : nodes;
    }

    private static string EvaluatePipeline(string pipeline, object? dot, object? root)
    {
        var stages = pipeline.Split('|', StringSplitOptions.TrimEntries);
        var value = Format(Resolve(stages[0], dot, root), stages[0]);
        foreach (var function in stages.Skip(1))
        {
            value = function switch
            {
                "quote" => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
                "b64enc" => Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
                _ => throw new NotSupportedException($"function '{function}' is outside the template subset the chart tests render"),
            };
        }

        return value;
    }

    /// <summary>Looks up ".a.b" from the current item or "$.a.b" from the root; "." and "$" are those themselves.</summary>
    private static object? Resolve(string path, object? dot, object? root)
    {
        var (start, rest) = path.StartsWith('$') ? (root, path[1..]) : (dot, path);
        if (rest.Length > 0 && !rest.StartsWith('.'))
        {
            throw new NotSupportedException($"'{path}' is not a field path");
        }

        var current = start;
        foreach (var key in rest.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current is IReadOnlyDictionary<string, object?> map && map.TryGetValue(key, out var next)
                ? next
                : throw new KeyNotFoundException($"'{path}': no key '{key}'");
        }

        return current;
    }

    private static string Format(object? value, string path) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => throw new NotSupportedException($"'{path}' is {value?.GetType().Name ?? "null"}, not a scalar to print"),
    };

    /// <summary>Go's truth: false, 0, "", null and empty collections are false.</summary>
    private static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        string text => text.Length > 0,
        long number => number != 0,
        double number => number != 0,
        System.Collections.ICollection collection => collection.Count > 0,
        _ => true,
    };
}
