using System.Globalization;
using System.Text.RegularExpressions;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>
/// A Go template pipeline: commands separated by <c>|</c>, each a function with its arguments or a single operand
/// (a field path, a variable, a string or number literal, <c>nil</c>, <c>true</c>/<c>false</c>, or a parenthesized
/// pipeline). A piped value is the last argument of the next function. Parsed once, so an unknown function fails
/// even in a branch the values do not take.
/// </summary>
public abstract partial record TemplateExpression(string Source)
{
    /// <summary>Evaluates against the current item, the root and the variables in scope.</summary>
    public abstract object? Evaluate(object? dot, object? root, Func<string, object?> variable);

    public static TemplateExpression Parse(string source)
    {
        var words = Lex(source);
        var position = 0;
        var pipeline = ParsePipeline(source, words, ref position);
        return position == words.Count ? pipeline : throw new FormatException($"'{source}': unexpected '{words[position]}'");
    }

    [GeneratedRegex("""\G\s*(?:(?<word>"(?:[^"\\]|\\.)*"|[()|]|[^\s()|"]+))""")]
    private static partial Regex Word();

    private static List<string> Lex(string source)
    {
        var words = new List<string>();
        var at = 0;
        for (var match = Word().Match(source, at); match.Success && match.Groups["word"].Success; match = Word().Match(source, at))
        {
            words.Add(match.Groups["word"].Value);
            at = match.Index + match.Length;
        }

        return source[at..].Trim().Length == 0 ? words : throw new FormatException($"'{source}' cannot be read from '{source[at..]}'");
    }

    private static TemplateExpression ParsePipeline(string source, List<string> words, ref int position)
    {
        var stage = ParseCommand(source, words, ref position, piped: null);
        while (position < words.Count && words[position] == "|")
        {
            position++;
            stage = ParseCommand(source, words, ref position, piped: stage);
        }

        return stage;
    }

    private static TemplateExpression ParseCommand(string source, List<string> words, ref int position, TemplateExpression? piped)
    {
        if (position == words.Count)
        {
            throw new FormatException($"'{source}' ends where a command should be");
        }

        var head = words[position];
        if (IsIdentifier(head) && head is not ("nil" or "true" or "false"))
        {
            position++;
            var function = TemplateFunctions.Get(head);
            var arguments = new List<TemplateExpression>();
            while (position < words.Count && words[position] is not ("|" or ")"))
            {
                arguments.Add(ParseOperand(source, words, ref position));
            }

            if (piped is not null)
            {
                arguments.Add(piped);
            }

            return new Call(source, head, function, arguments);
        }

        return piped is null
            ? ParseOperand(source, words, ref position)
            : throw new NotSupportedException($"'{source}': only a function can take a piped value");
    }

    private static TemplateExpression ParseOperand(string source, List<string> words, ref int position)
    {
        var word = words[position++];
        if (word == "(")
        {
            var inner = ParsePipeline(source, words, ref position);
            return position < words.Count && words[position++] == ")" ? inner : throw new FormatException($"'{source}': a ( has no )");
        }

        return word switch
        {
            "nil" => new Literal(source, null),
            "true" => new Literal(source, true),
            "false" => new Literal(source, false),
            _ when word.StartsWith('"') => new Literal(source, Regex.Unescape(word[1..^1])),
            _ when long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => new Literal(source, number),
            _ when word.StartsWith('.') || word.StartsWith('$') => new FieldPath(source, word),
            _ => throw new NotSupportedException($"'{word}' in '{source}' is outside the template subset the chart tests render"),
        };
    }

    private static bool IsIdentifier(string word) => word.Length > 0 && char.IsLetter(word[0]) && word.All(c => char.IsLetterOrDigit(c) || c == '_');

    private sealed record Literal(string Source, object? Value) : TemplateExpression(Source)
    {
        public override object? Evaluate(object? dot, object? root, Func<string, object?> variable) => Value;
    }

    /// <summary>".a.b" from the current item, "$.a.b" from the root, "$x.a.b" from a variable; ".", "$" are those themselves.</summary>
    private sealed record FieldPath(string Source, string Path) : TemplateExpression(Source)
    {
        public override object? Evaluate(object? dot, object? root, Func<string, object?> variable)
        {
            var (start, rest) = Path switch
            {
                _ when Path.StartsWith("$.", StringComparison.Ordinal) || Path == "$" => (root, Path[1..]),
                _ when Path.StartsWith('$') => (variable(Path[1..].Split('.')[0]), Path[(Path.IndexOf('.') is var dotAt and >= 0 ? dotAt : Path.Length)..]),
                _ => (dot, Path),
            };
            var current = start;
            foreach (var key in rest.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                current = current is IReadOnlyDictionary<string, object?> map && map.TryGetValue(key, out var next)
                    ? next
                    : throw new KeyNotFoundException($"'{Path}': no key '{key}'");
            }

            return current;
        }
    }

    private sealed record Call(string Source, string Name, Func<object?[], object?> Function, IReadOnlyList<TemplateExpression> Arguments) : TemplateExpression(Source)
    {
        public override object? Evaluate(object? dot, object? root, Func<string, object?> variable) =>
            Function([.. Arguments.Select(argument => argument.Evaluate(dot, root, variable))]);
    }
}
