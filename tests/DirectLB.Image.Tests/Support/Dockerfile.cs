using System.Text.Json;
using System.Text.RegularExpressions;

namespace DirectLB.Image.Tests.Support;

/// <summary>One instruction of a Dockerfile stage, e.g. <c>COPY</c> with its arguments as written (continuations joined).</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>One <c>FROM</c> stage: its base image (build arguments substituted) and its instructions.</summary>
public sealed record DockerStage(string Name, string BaseImage, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<string> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    public string Single(string keyword) => All(keyword).Single();

    /// <summary>The exec-form <c>ENTRYPOINT</c>, as the argument list it is.</summary>
    public IReadOnlyList<string> Entrypoint => JsonSerializer.Deserialize<string[]>(Single("ENTRYPOINT"))!;

    /// <summary>The <c>ENV</c> variables, in the <c>KEY=value</c> form (an empty value included).</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        All("ENV").SelectMany(e => Regex.Split(e.Trim(), @"\s+")).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}

/// <summary>The repository's Dockerfile, read as a builder reads it (enough of it for the checks made on it).</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>The stage <c>docker build</c> builds without <c>--target</c>: the last one.</summary>
    public DockerStage Default => Stages[^1];

    public DockerStage this[string name] => Stages.Single(s => s.Name == name);

    public static Dockerfile Read(string path)
    {
        var logical = Regex.Replace(File.ReadAllText(path), @"\\\r?\n", " ")
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'));
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<DockerStage>();
        foreach (var line in logical)
        {
            var keyword = line.Split(' ', 2)[0].ToUpperInvariant();
            var arguments = line.Length > keyword.Length ? line[(keyword.Length + 1)..].Trim() : "";
            if (keyword == "FROM")
            {
                var parts = Substitute(arguments, args).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new DockerStage(parts.Length == 3 ? parts[2] : $"stage-{stages.Count}", parts[0], []));
            }
            else if (stages.Count == 0 && keyword == "ARG" && arguments.Split('=', 2) is [var name, var value])
            {
                args[name] = value;
            }
            else if (stages.Count > 0)
            {
                var last = stages[^1];
                stages[^1] = last with { Instructions = [.. last.Instructions, new DockerInstruction(keyword, arguments)] };
            }
        }

        return new Dockerfile(stages);
    }

    private static string Substitute(string text, IReadOnlyDictionary<string, string> args) =>
        ArgReference().Replace(text, m => args.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex ArgReference();
}
