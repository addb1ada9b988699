namespace DirectLB.Tests.Shared.Kubectl;

/// <summary>
/// A table as kubectl prints it: a header line, then one line per row, each column starting where its header
/// starts (so empty cells and cells with spaces read right).
/// </summary>
public sealed class PrintedTable
{
    private readonly List<(string Name, int Start)> _columns = [];

    private PrintedTable(IReadOnlyList<string> lines)
    {
        var header = lines[0];
        for (var i = 0; i < header.Length; i++)
        {
            // A column starts after a run of two or more spaces (header names such as "LAST SEEN" hold single ones).
            if (header[i] != ' ' && (i == 0 || (i >= 2 && header[i - 1] == ' ' && header[i - 2] == ' ')))
            {
                var end = header.IndexOf("  ", i, StringComparison.Ordinal);
                _columns.Add((header[i..(end < 0 ? header.Length : end)].Trim(), i));
            }
        }

        Rows = [.. lines.Skip(1).Select(Cells)];
    }

    public IReadOnlyList<string> Columns => [.. _columns.Select(c => c.Name)];

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; }

    /// <summary>The first table in <paramref name="output"/> (kubectl separates several with a blank line).</summary>
    public static PrintedTable Parse(string output) => ParseAll(output)[0];

    public static IReadOnlyList<PrintedTable> ParseAll(string output) =>
        [.. output.Replace("\r", "", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Where(lines => lines.Length > 0)
            .Select(lines => new PrintedTable(lines))];

    /// <summary>The row whose NAME column is <paramref name="name"/>.</summary>
    public IReadOnlyDictionary<string, string> Row(string name) =>
        Rows.SingleOrDefault(r => r["NAME"] == name) ?? throw new InvalidOperationException($"no row named {name} in:\n{string.Join('\n', Rows.Select(r => string.Join(" | ", r.Values)))}");

    private Dictionary<string, string> Cells(string line)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var c = 0; c < _columns.Count; c++)
        {
            var start = Math.Min(_columns[c].Start, line.Length);
            var end = c + 1 < _columns.Count ? Math.Min(_columns[c + 1].Start, line.Length) : line.Length;
            cells[_columns[c].Name] = line[start..end].Trim();
        }

        return cells;
    }
}
