using System.Globalization;
using System.Text;
using DirectLB.Actors.Observability;
using static DirectLB.Host.Web.Markup;

namespace DirectLB.Host.Web;

/// <summary>
/// A Service's reconcile times over the last minutes as a small inline SVG (no script, no external asset): one dot per
/// round that changed the load balancer, at its end time, its height the seconds it took against the slowest shown.
/// </summary>
internal static class LatencyChart
{
    private const int Width = 160;
    private const int Height = 36;
    private const int Pad = 3;

    public static string Render(IReadOnlyList<LatencySample> samples, DateTimeOffset now)
    {
        var from = now - ServiceHistory.Window;
        var shown = samples.Where(s => s.At >= from && s.At <= now).ToList();
        if (shown.Count == 0)
        {
            return $"<span class=\"muted\">no change in the last {ServiceHistory.Window.TotalMinutes:0} min</span>";
        }

        var top = Math.Max(shown.Max(s => s.Seconds), 0.001);
        var points = shown.Select(s => (
            X: Pad + (Width - 2 * Pad) * (s.At - from).TotalSeconds / ServiceHistory.Window.TotalSeconds,
            Y: Height - Pad - (Height - 2 * Pad) * s.Seconds / top)).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"latency\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{E(Describe(shown))}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#f3f6f9\"/>");
        if (points.Count > 1)
        {
            svg.Append("<polyline fill=\"none\" stroke=\"#7a8ca3\" stroke-width=\"1\" points=\"")
                .AppendJoin(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}")))
                .Append("\"/>");
        }

        foreach (var (x, y) in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"2\" fill=\"#1f6feb\"/>");
        }

        svg.Append("</svg>");
        return $"{svg}<br><span class=\"muted\">{E(Describe(shown))}</span>";
    }

    private static string Describe(IReadOnlyList<LatencySample> shown) =>
        string.Create(CultureInfo.InvariantCulture, $"{shown.Count} in {ServiceHistory.Window.TotalMinutes:0} min, last {Seconds(shown[^1].Seconds)}, slowest {Seconds(shown.Max(s => s.Seconds))}");

    private static string Seconds(double seconds) =>
        seconds < 1 ? string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0} ms") : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0#} s");
}
