using System.Globalization;

namespace DirectLB.Bench;

/// <summary>docs/latency.png: latency (ms) against load (events/s, log scale), one line per measure.</summary>
public static class LatencyPlot
{
    private const int Width = 800;
    private const int Height = 480;
    private const int Left = 80;
    private const int Right = 200;
    private const int Top = 40;
    private const int Bottom = 60;
    private static readonly (byte, byte, byte) Ink = (40, 40, 40);
    private static readonly (byte, byte, byte) Grid = (225, 225, 225);

    public static byte[] Render(IReadOnlyList<LatencyPoint> points, TimeSpan debounce)
    {
        var series = new (string Name, (byte, byte, byte) Color, Func<LatencyPoint, double> Value)[]
        {
            ("p99", (200, 30, 30), p => p.P99),
            ("p50", (240, 140, 0), p => p.P50),
            ("metric p99", (130, 50, 170), p => p.MetricP99),
            ("floor p99", (30, 90, 200), p => p.FloorP99),
            ("target", (120, 120, 120), p => LatencyBenchmark.TargetP99(p, debounce)),
        };
        var canvas = new Canvas(Width, Height);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var yMax = NiceCeiling(points.SelectMany(p => series.Select(s => s.Value(p))).Where(double.IsFinite).DefaultIfEmpty(1).Max());
        var xMin = Math.Log10(points.Min(p => p.Rate) / 1.5);
        var xMax = Math.Log10(points.Max(p => p.Rate) * 1.5);
        int X(double rate) => Left + (int)((Math.Log10(rate) - xMin) / (xMax - xMin) * plotW);
        int Y(double ms) => Top + plotH - (int)(Math.Clamp(ms / yMax, 0, 1) * plotH);

        for (var i = 0; i <= 5; i++)
        {
            var ms = yMax * i / 5;
            canvas.Line(Left, Y(ms), Left + plotW, Y(ms), Grid);
            var label = ms.ToString("0.#", CultureInfo.InvariantCulture);
            canvas.Text(Left - 8 - Canvas.TextWidth(label), Y(ms) - 5, label, Ink);
        }

        foreach (var rate in points.Select(p => p.Rate))
        {
            canvas.Line(X(rate), Top, X(rate), Top + plotH, Grid);
            var label = rate.ToString(CultureInfo.InvariantCulture);
            canvas.Text(X(rate) - (Canvas.TextWidth(label) / 2), Top + plotH + 10, label, Ink);
        }

        canvas.Line(Left, Top, Left, Top + plotH, Ink, 2);
        canvas.Line(Left, Top + plotH, Left + plotW, Top + plotH, Ink, 2);
        canvas.Text(Left + (plotW / 2) - (Canvas.TextWidth("events/s (log)") / 2), Height - 24, "events/s (log)", Ink);
        canvas.Text(8, Top - 28, "latency ms", Ink);
        canvas.Text(Left + 160, 10, "directlb latency vs load", Ink);

        var legendY = Top + 10;
        foreach (var (name, color, value) in series)
        {
            var drawn = points.Where(p => double.IsFinite(value(p))).ToList();
            for (var i = 0; i < drawn.Count; i++)
            {
                var (x, y) = (X(drawn[i].Rate), Y(value(drawn[i])));
                canvas.Box(x - 4, y - 4, 9, 9, color);
                if (i > 0)
                {
                    canvas.Line(X(drawn[i - 1].Rate), Y(value(drawn[i - 1])), x, y, color, 2);
                }
            }

            canvas.Box(Left + plotW + 20, legendY, 20, 4, color);
            canvas.Text(Left + plotW + 48, legendY - 3, name, Ink);
            legendY += 24;
        }

        return canvas.ToPng();
    }

    /// <summary>1, 2 or 5 times a power of ten, at or above the value.</summary>
    private static double NiceCeiling(double value)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(value, 1e-9))));
        return new[] { 1, 2, 5, 10 }.Select(m => m * power).First(c => c >= value);
    }
}
