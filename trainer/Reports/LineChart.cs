namespace NativeCnn.Trainer.Reports;

/// <summary>One line of a chart: a value per epoch.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Values">Value of epoch 1, 2, ...</param>
/// <param name="Color">Line colour.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values, Rgb Color);

/// <summary>A per-epoch line chart (axes, grid, tick labels, legend) drawn into a region of a <see cref="Canvas"/>.</summary>
public static class LineChart
{
    private const int Left = 80, Right = 34, Top = 44, Bottom = 52, Ticks = 5;

    /// <summary>Draws the chart in the rectangle (x, y, width, height); <paramref name="percent"/> formats the y axis as percentages of 1.</summary>
    public static void Draw(Canvas canvas, int x, int y, int width, int height, string title, IReadOnlyList<ChartSeries> series, bool percent)
    {
        canvas.Text(x + (width - BitmapFont.Measure(title, 2)) / 2, y + 12, title, Rgb.Black);
        int px = x + Left, py = y + Top, pw = width - Left - Right, ph = height - Top - Bottom;
        int epochs = series.Max(s => s.Values.Count);
        var (low, high) = Range(series.SelectMany(s => s.Values));

        for (int t = 0; t <= Ticks; t++)
        {
            double v = low + (high - low) * t / Ticks;
            int ty = py + ph - (int)Math.Round(ph * (double)t / Ticks);
            canvas.Line(px, ty, px + pw, ty, Rgb.Grid);
            string label = TickLabel(v, (high - low) / Ticks, percent);
            canvas.Text(px - 8 - BitmapFont.Measure(label, 2), ty - 7, label, Rgb.Black);
        }
        int step = Math.Max(1, (int)Math.Ceiling(epochs / 10.0));
        for (int e = 1; e <= epochs; e += step)
        {
            int tx = X(e, epochs, px, pw);
            canvas.Line(tx, py + ph, tx, py + ph + 5, Rgb.Black);
            canvas.Text(tx - BitmapFont.Measure(e.ToString(), 2) / 2, py + ph + 10, e.ToString(), Rgb.Black);
        }
        canvas.Text(px + (pw - BitmapFont.Measure("EPOCH", 2)) / 2, py + ph + 32, "EPOCH", Rgb.Black);
        canvas.Line(px, py, px, py + ph, Rgb.Black);
        canvas.Line(px, py + ph, px + pw, py + ph, Rgb.Black);

        int Y(double v) => py + ph - (int)Math.Round((v - low) / (high - low) * ph);
        var traced = new List<(int X, int Y)>();
        foreach (var s in series)
        {
            for (int e = 1; e < s.Values.Count; e++)
            {
                (int x0, int y0, int x1, int y1) = (X(e, epochs, px, pw), Y(s.Values[e - 1]), X(e + 1, epochs, px, pw), Y(s.Values[e]));
                canvas.Line(x0, y0, x1, y1, s.Color, 2);
                int samples = Math.Max(1, Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) / 4);
                for (int k = 0; k < samples; k++)
                    traced.Add((x0 + (x1 - x0) * k / samples, y0 + (y1 - y0) * k / samples));
            }
            for (int e = 1; e <= s.Values.Count; e++)
            {
                canvas.FillRect(X(e, epochs, px, pw) - 3, Y(s.Values[e - 1]) - 3, 7, 7, s.Color);
                traced.Add((X(e, epochs, px, pw), Y(s.Values[e - 1])));
            }
        }
        const int Swatch = 22, RowHeight = 22;
        int legendWidth = Swatch + series.Max(s => BitmapFont.Measure(s.Name, 2));
        var (lx, ly) = LegendOrigin(px, py, pw, ph, legendWidth, RowHeight * series.Count, traced);
        foreach (var s in series)
        {
            canvas.FillRect(lx, ly + 2, 14, 10, s.Color);
            canvas.Text(lx + Swatch, ly, s.Name, Rgb.Black);
            ly += RowHeight;
        }
    }

    /// <summary>
    /// Top-left corner for a legend of the given size: the plot corner (top-right, bottom-right,
    /// top-left, bottom-left, in that order of preference) whose box covers the fewest traced
    /// points, so the legend does not hide the curves (accuracy curves end top-right, losses
    /// bottom-right).
    /// </summary>
    internal static (int X, int Y) LegendOrigin(int px, int py, int pw, int ph, int width, int height, IReadOnlyList<(int X, int Y)> traced)
    {
        const int Margin = 12, Clearance = 6;
        (int X, int Y)[] corners =
        [
            (px + pw - Margin - width, py + 8), (px + pw - Margin - width, py + ph - 8 - height),
            (px + Margin, py + 8), (px + Margin, py + ph - 8 - height),
        ];
        int Covered((int X, int Y) c) => traced.Count(t =>
            t.X >= c.X - Clearance && t.X <= c.X + width + Clearance && t.Y >= c.Y - Clearance && t.Y <= c.Y + height + Clearance);
        return corners.MinBy(Covered);
    }

    /// <summary>
    /// A y tick label with just enough decimals that neighbouring ticks differ: "1.385" when the ticks
    /// are 0.008 apart, "1.40" when they are 0.2 apart (percentages: "34%", "34.6%").
    /// </summary>
    internal static string TickLabel(double value, double step, bool percent)
    {
        double scale = percent ? 100 : 1;
        int decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step * scale) - 1e-9), percent ? 0 : 2, 6);
        string text = (value * scale).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
        return percent ? text + "%" : text;
    }

    private static int X(int epoch, int epochs, int px, int pw) =>
        epochs == 1 ? px + pw / 2 : px + (int)Math.Round((epoch - 1) * (double)pw / (epochs - 1));

    /// <summary>The data's range widened by 5% on each side (and to a non-zero span), so points never sit on the frame.</summary>
    private static (double Low, double High) Range(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return (0, 1);
        double low = finite.Min(), high = finite.Max();
        double pad = Math.Max((high - low) * 0.05, 1e-3);
        return (low - pad, high + pad);
    }
}
