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
            string label = percent ? $"{v * 100:0}%" : v.ToString("0.00");
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

        foreach (var s in series)
        {
            int Y(double v) => py + ph - (int)Math.Round((v - low) / (high - low) * ph);
            for (int e = 1; e < s.Values.Count; e++)
                canvas.Line(X(e, epochs, px, pw), Y(s.Values[e - 1]), X(e + 1, epochs, px, pw), Y(s.Values[e]), s.Color, 2);
            for (int e = 1; e <= s.Values.Count; e++)
                canvas.FillRect(X(e, epochs, px, pw) - 3, Y(s.Values[e - 1]) - 3, 7, 7, s.Color);
        }
        int ly = py + 8;
        foreach (var s in series)
        {
            int lx = px + pw - 12 - BitmapFont.Measure(s.Name, 2) - 22;
            canvas.FillRect(lx, ly + 2, 14, 10, s.Color);
            canvas.Text(lx + 22, ly, s.Name, Rgb.Black);
            ly += 22;
        }
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
