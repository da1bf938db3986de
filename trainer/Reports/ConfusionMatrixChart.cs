namespace NativeCnn.Trainer.Reports;

/// <summary>
/// A confusion matrix as a heat map: rows are true classes, columns predicted classes; each cell
/// shows its count and is shaded by the row-normalised value (the recall of the diagonal), so
/// classes of very different sizes are comparable.
/// </summary>
public static class ConfusionMatrixChart
{
    private const int Cell = 64, Label = 130, Header = 78;

    /// <summary>Renders <paramref name="matrix"/> [true][predicted] with class names.</summary>
    public static Canvas Render(long[][] matrix, IReadOnlyList<string> classes, string title)
    {
        int n = classes.Count;
        var canvas = new Canvas(Label + n * Cell + 20, Header + n * Cell + 50);
        canvas.Text(10, 10, title, Rgb.Black);
        canvas.Text(Label, 34, "PREDICTED", Rgb.Black);
        for (int j = 0; j < n; j++)
            canvas.Text(Label + j * Cell + 6, Header - 20, Short(classes[j], 4), Rgb.Black);
        for (int i = 0; i < n; i++)
        {
            long rowTotal = Math.Max(1, matrix[i].Sum());
            canvas.Text(10, Header + i * Cell + Cell / 2 - 7, Short(classes[i], 9), Rgb.Black);
            for (int j = 0; j < n; j++)
            {
                double share = (double)matrix[i][j] / rowTotal;
                var fill = Rgb.Shade(Rgb.Blue, share);
                canvas.FillRect(Label + j * Cell, Header + i * Cell, Cell - 2, Cell - 2, fill);
                string count = matrix[i][j].ToString();
                canvas.Text(Label + j * Cell + (Cell - 2 - BitmapFont.Measure(count, 2)) / 2, Header + i * Cell + Cell / 2 - 8,
                    count, share > 0.5 ? Rgb.White : Rgb.Black);
            }
        }
        canvas.Text(10, Header + n * Cell + 16, "ROWS: TRUE CLASS, SHADE: SHARE OF ROW", Rgb.Black);
        return canvas;
    }

    private static string Short(string s, int max) => s.Length <= max ? s : s[..max];
}
