using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace NativeCnn.Trainer.Reports;

/// <summary>
/// confusion_matrix.png/.svg: rows are true classes, columns predicted classes, each named in
/// full. A cell shows its count and its share of the row (for the diagonal, the class's recall);
/// its colour is that share on a colour bar from 0 to 100 %, so classes of very different sizes
/// compare at a glance.
/// </summary>
internal static class ConfusionMatrixChart
{
    /// <summary>Writes the chart.</summary>
    /// <param name="pngPath">Where the PNG goes; the SVG is written next to it.</param>
    /// <param name="matrix">[true class][predicted class] counts.</param>
    /// <param name="classes">Class names in id order.</param>
    /// <param name="title">Chart title (split and accuracy).</param>
    public static void Save(string pngPath, long[][] matrix, IReadOnlyList<string> classes, string title)
    {
        ChartFont.Use();
        int n = classes.Count;
        var share = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            long total = Math.Max(1, matrix[i].Sum());
            for (int j = 0; j < n; j++) share[i, j] = 100.0 * matrix[i][j] / total;
        }

        var plot = new Plot();
        plot.Title(title);
        var heatmap = plot.Add.Heatmap(share);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 100);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the true class (%)";

        // The heat map puts row 0 at the top: cell (i, j) is centred at x = j, y = n - 1 - i.
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                var text = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"{matrix[i][j]}\n{share[i, j]:0.0} %"), j, n - 1 - i);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = n > 10 ? 9 : 13;
                // Viridis is dark below about 55 %: white text there, black above.
                text.LabelFontColor = share[i, j] < 55 ? Colors.White : Colors.Black;
            }
        }
        double[] positions = Enumerable.Range(0, n).Select(k => (double)k).ToArray();
        plot.Axes.Bottom.TickGenerator = new NumericManual(positions, [.. classes]);
        plot.Axes.Left.TickGenerator = new NumericManual(positions, classes.Reverse().ToArray());
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        // Cells about 110 pixels wide, so full class names fit under their column unrotated.
        int side = Math.Max(560, 110 * n + 160);
        ChartFiles.Save(pngPath, side + 120, side, plot.Render);
    }
}
