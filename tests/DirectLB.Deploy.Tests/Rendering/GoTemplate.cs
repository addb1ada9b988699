using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>
/// Renders the small subset of Go templates the chart is allowed to use, so the chart is tested without helm:
/// <c>{{ .a.b }}</c> and <c>{{ $.a.b }}</c>, <c>{{ . }}</c>, variables (<c>{{ $x := ... }}</c>, <c>{{ $x = ... }}</c>,
/// <c>{{ $x.field }}</c>, scoped to their block as in Go), string and number literals, <c>nil</c>, parentheses, the functions of
/// <see cref="TemplateFunctions"/> called or piped to, <c>{{ if }}</c> (with <c>{{ else }}</c>) and
/// <c>{{ range PATH }}</c> closed by <c>{{ end }}</c>, and the <c>{{- </c> / <c> -}}</c> whitespace trims. Anything
/// else, and any key missing from the data, throws: a template that leaves the subset fails the tests instead of
/// rendering differently from helm.
/// </summary>
public static partial class GoTemplate
{
    public static string Render(string template, object? root)
    {
        var tokens = Tokenize(template);
        var position = 0;
        var (nodes, _) = Parse(tokens, ref position, closedByEnd: false);
        var output = new StringBuilder();
        WriteAll(nodes, output, new Context(root, root, new Scope(null)));
        return output.ToString();
    }

    /// <summary>Variables of one block, seeing those of the blocks around it.</summary>
    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

        public void Declare(string name, object? value) => _variables[name] = value;

        /// <summary>Sets a variable declared here or in a block around this one.</summary>
        public void Assign(string name, object? value)
        {
            if (_variables.ContainsKey(name))
            {
                _variables[name] = value;
            }
            else if (parent is not null)
            {
                parent.Assign(name, value);
            }
            else
            {
                throw new KeyNotFoundException($"variable ${name} is assigned but not declared");
            }
        }

        public object? Get(string name) =>
            _variables.TryGetValue(name, out var value) ? value
            : parent is not null ? parent.Get(name)
            : throw new KeyNotFoundException($"variable ${name} is not declared here");
    }

    private sealed record Context(object? Dot, object? Root, Scope Scope)
    {
        public Context Block(object? dot) => new(dot, Root, new Scope(Scope));
    }

    private abstract record Node
    {
        public abstract void Write(StringBuilder output, Context context);
    }

    private sealed record Text(string Value) : Node
    {
        public override void Write(StringBuilder output, Context context) => output.Append(Value);
    }

    private sealed record Output(TemplateExpression Pipeline) : Node
    {
        public override void Write(StringBuilder output, Context context) =>
            output.Append(Format(Pipeline.Evaluate(context.Dot, context.Root, context.Scope.Get), Pipeline.Source));
    }

    private sealed record Declare(string Name, bool IsNew, TemplateExpression Pipeline) : Node
    {
        public override void Write(StringBuilder output, Context context)
        {
            var value = Pipeline.Evaluate(context.Dot, context.Root, context.Scope.Get);
            if (IsNew)
            {
                context.Scope.Declare(Name, value);
            }
            else
            {
                context.Scope.Assign(Name, value);
            }
        }
    }

    private sealed record If(TemplateExpression Condition, IReadOnlyList<Node> Then, IReadOnlyList<Node> Else) : Node
    {
        public override void Write(StringBuilder output, Context context) =>
            WriteAll(IsTrue(Condition.Evaluate(context.Dot, context.Root, context.Scope.Get)) ? Then : Else, output, context.Block(context.Dot));
    }

    private sealed record Range(TemplateExpression Items, IReadOnlyList<Node> Body) : Node
    {
        public override void Write(StringBuilder output, Context context)
        {
            var items = Items.Evaluate(context.Dot, context.Root, context.Scope.Get) switch
            {
                null => [],
                IReadOnlyList<object?> list => list,
                var other => throw new NotSupportedException($"range over {other.GetType().Name} ('{Items.Source}'); only lists are supported"),
            };
            foreach (var item in items)
            {
                WriteAll(Body, output, context.Block(item));
            }
        }
    }

    private static void WriteAll(IReadOnlyList<Node> nodes, StringBuilder output, Context context)
    {
        foreach (var node in nodes)
        {
            node.Write(output, context);
        }
    }

    private sealed record Token(bool IsAction, string Value);

    // Go's trim markers need a space next to the dash: "{{- x -}}".
    [GeneratedRegex(@"\{\{(?<left>- )?\s*(?<body>.*?)\s*(?<right> -)?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"^\$(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?<operator>:?=)\s*(?<pipeline>.+)$", RegexOptions.Singleline)]
    private static partial Regex Declaration();

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

    /// <summary>Nodes up to the <c>end</c> (or <c>else</c>) that closes the block, and which of the two it was.</summary>
    private static (List<Node> Nodes, string? ClosedBy) Parse(List<Token> tokens, ref int position, bool closedByEnd)
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

            var body = token.Value;
            var keyword = body.Split(' ', 2)[0];
            switch (keyword)
            {
                case "end" or "else" when closedByEnd && body == keyword:
                    return (nodes, keyword);
                case "if":
                    var (then, closedBy) = Parse(tokens, ref position, closedByEnd: true);
                    var otherwise = closedBy == "else" ? ParseElse(tokens, ref position) : [];
                    nodes.Add(new If(TemplateExpression.Parse(body[3..]), then, otherwise));
                    break;
                case "range":
                    var (items, rangeClosedBy) = Parse(tokens, ref position, closedByEnd: true);
                    nodes.Add(rangeClosedBy == "end"
                        ? new Range(TemplateExpression.Parse(body[6..]), items)
                        : throw new NotSupportedException("range with else is outside the template subset the chart tests render"));
                    break;
                case var _ when Declaration().Match(body) is { Success: true } declaration:
                    nodes.Add(new Declare(
                        declaration.Groups["name"].Value,
                        declaration.Groups["operator"].Value == ":=",
                        TemplateExpression.Parse(declaration.Groups["pipeline"].Value)));
                    break;
                default:
                    nodes.Add(new Output(TemplateExpression.Parse(body)));
                    break;
            }
        }

        return closedByEnd ? throw new FormatException("an if or range has no end") : (nodes, null);
    }

    private static List<Node> ParseElse(List<Token> tokens, ref int position)
    {
        var (nodes, closedBy) = Parse(tokens, ref position, closedByEnd: true);
        return closedBy == "end" ? nodes : throw new NotSupportedException("else if, or a second else, is outside the template subset the chart tests render");
    }

    private static string Format(object? value, string source) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => throw new NotSupportedException($"'{source}' is {value?.GetType().Name ?? "null"}, not a scalar to print"),
    };

    /// <summary>Go's truth: false, 0, "", null and empty collections are false.</summary>
    internal static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        string text => text.Length > 0,
        long number => number != 0,
        double number => number != 0,
        System.Collections.ICollection collection => collection.Count > 0,
        _ => true,
    };

    /// <summary>A scalar as Go's fmt prints it with %s, %d or %v.</summary>
    internal static string Print(object? value, string source) => Format(value, source);
}
