using System.Globalization;
using System.Text;

namespace NativeCnn.Engine.Models;

/// <summary>
/// The Keras model.summary() table: layer (type), output shape in Keras' (None, H, W, C)
/// order, parameter count; then total / trainable / non-trainable counts.
/// </summary>
public static class ModelSummary
{
    /// <summary>One row of the table.</summary>
    /// <param name="Name">Layer name.</param>
    /// <param name="Type">Keras class name.</param>
    /// <param name="Details">Activation or rate, or null.</param>
    /// <param name="OutputShape">Keras-order output shape, e.g. "(None, 48, 48, 64)".</param>
    /// <param name="Parameters">Parameter count.</param>
    public sealed record Row(string Name, string Type, string? Details, string OutputShape, long Parameters);

    /// <summary>The rows of <paramref name="model"/>.</summary>
    public static IReadOnlyList<Row> Rows(Sequential model) => model.Layers.Select(l =>
        new Row(l.Name, l.TypeName, l.Details, KerasShape(l.OutputShape), l.Parameters.Sum(p => p.Value.Length))).ToList();

    /// <summary>"(None, H, W, C)" for [C, H, W]; "(None, F)" for [F].</summary>
    public static string KerasShape(int[] chw) => chw.Length == 3
        ? $"(None, {chw[1]}, {chw[2]}, {chw[0]})"
        : "(None, " + string.Join(", ", chw) + ")";

    /// <summary>The plain-text table, as Keras prints it.</summary>
    public static string Format(Sequential model)
    {
        var rows = Rows(model);
        int w1 = Math.Max(28, rows.Max(r => Label(r).Length) + 2), w2 = Math.Max(24, rows.Max(r => r.OutputShape.Length) + 2);
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{model.Spec.Name}\"");
        string rule = new('_', w1 + w2 + 12), thick = new('=', w1 + w2 + 12);
        sb.AppendLine(rule);
        sb.AppendLine("Layer (type)".PadRight(w1) + "Output Shape".PadRight(w2) + "Param #");
        sb.AppendLine(thick);
        for (int i = 0; i < rows.Count; i++)
        {
            sb.AppendLine(Label(rows[i]).PadRight(w1) + rows[i].OutputShape.PadRight(w2) + N(rows[i].Parameters));
            sb.AppendLine(i == rows.Count - 1 ? thick : rule);
        }
        sb.AppendLine($"Total params: {N(model.TotalParameterCount)}");
        sb.AppendLine($"Trainable params: {N(model.TrainableParameterCount)}");
        sb.AppendLine($"Non-trainable params: {N(model.NonTrainableParameterCount)}");
        return sb.ToString();
    }

    private static string Label(Row r) => $"{r.Name} ({r.Type}{(r.Details == null ? "" : ", " + r.Details)})";

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
