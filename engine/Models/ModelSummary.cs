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

    /// <summary>The rows of <paramref name="model"/>: from its layers once built, else from its <see cref="ModelFootprint"/>
    /// (nothing is allocated, so the summary of a model too large to build still prints).</summary>
    /// <exception cref="ModelFormatException">An unbuilt model whose layers do not fit together (build it to learn which).</exception>
    public static IReadOnlyList<Row> Rows(Sequential model)
    {
        if (model.IsBuilt)
            return model.Layers.Select(l => new Row(l.Name, l.TypeName, l.Details, KerasShape(l.OutputShape), l.Parameters.Sum(p => p.Value.Length))).ToList();
        var footprint = Unbuilt(model);
        return footprint.Layers.Select((l, i) => new Row(l.Name, l.Type, model.Layers[i].Details, KerasShape(l.OutputShape), l.Parameters)).ToList();
    }

    // The footprint of an unbuilt model, with the checks Build would make on the shapes.
    private static ModelFootprint Unbuilt(Sequential model)
    {
        var footprint = ModelFootprint.Of(model);
        if (!footprint.IsComplete)
            throw new ModelFormatException($"{model.Source}: layer {model.Layers[footprint.Layers.Count].Name} does not fit its input; build the model to see why");
        model.CheckOutputShape(footprint.Layers[^1].OutputShape, model.Source);
        return footprint;
    }

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
        sb.AppendLine($"Model: \"{model.Name}\"");
        string rule = new('_', w1 + w2 + 12), thick = new('=', w1 + w2 + 12);
        sb.AppendLine(rule);
        sb.AppendLine("Layer (type)".PadRight(w1) + "Output Shape".PadRight(w2) + "Param #");
        sb.AppendLine(thick);
        for (int i = 0; i < rows.Count; i++)
        {
            sb.AppendLine(Label(rows[i]).PadRight(w1) + rows[i].OutputShape.PadRight(w2) + N(rows[i].Parameters));
            sb.AppendLine(i == rows.Count - 1 ? thick : rule);
        }
        var (total, trainable) = Counts(model);
        sb.AppendLine($"Total params: {N(total)}");
        sb.AppendLine($"Trainable params: {N(trainable)}");
        sb.AppendLine($"Non-trainable params: {N(total - trainable)}");
        return sb.ToString();
    }

    /// <summary>Total and trainable parameter counts, of the built layers or (unbuilt) of the <see cref="ModelFootprint"/>.</summary>
    /// <exception cref="ModelFormatException">As <see cref="Rows"/>.</exception>
    public static (long Total, long Trainable) Counts(Sequential model)
    {
        if (model.IsBuilt) return (model.TotalParameterCount, model.TrainableParameterCount);
        var footprint = Unbuilt(model);
        return (footprint.Parameters, footprint.TrainableParameters);
    }

    private static string Label(Row r) => $"{r.Name} ({r.Type}{(r.Details == null ? "" : ", " + r.Details)})";

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
