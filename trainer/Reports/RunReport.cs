using System.Globalization;
using System.Text;
using NativeCnn.Engine.Serialization;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Reports;

/// <summary>
/// What a person looks at after a run: training_curves.png (loss, accuracy and learning rate per
/// epoch, train and validation, best epoch marked), confusion_matrix.png (the final evaluation),
/// each also as .svg, and report.md tying them together with the settings, the per-epoch numbers
/// and the per-class scores. Charts are drawn with ScottPlot in an embedded font (<see cref="ChartFont"/>).
/// </summary>
public static class RunReport
{
    /// <summary>File names written into the run folder (the run folder's <see cref="RunFolder.ReportDocuments"/>).</summary>
    public const string CurvesFile = RunFolder.CurvesFile, ConfusionFile = RunFolder.ConfusionFile, MarkdownFile = RunFolder.MarkdownFile;

    /// <summary>Settings shown at the top of the report.</summary>
    /// <param name="Model">Architecture name.</param>
    /// <param name="Data">Data location.</param>
    /// <param name="Device">Device description.</param>
    /// <param name="Machine">Machine description.</param>
    /// <param name="Recipe">Optimizer, learning rate, batch, epochs, seed as text.</param>
    /// <param name="ValidationName">What the validation curve is measured on (e.g. PublicTest).</param>
    public sealed record Settings(string Model, string Data, string Device, string Machine, string Recipe, string ValidationName);

    /// <summary>Writes the two charts (PNG and SVG) and the Markdown report into <paramref name="folder"/>.</summary>
    public static void Write(string folder, Settings settings, IReadOnlyList<EpochStats> history, int bestEpoch, EvaluationReport final)
    {
        TrainingCurvesChart.Save(Path.Combine(folder, CurvesFile), history, bestEpoch, settings.ValidationName);
        ConfusionMatrixChart.Save(Path.Combine(folder, ConfusionFile), final.ConfusionMatrix, final.PerClass.Select(c => c.Class).ToList(),
            string.Create(CultureInfo.InvariantCulture, $"{final.Split}: accuracy {final.Accuracy * 100:0.00} %"));
        AtomicFile.WriteAllText(Path.Combine(folder, MarkdownFile), Markdown(settings, history, bestEpoch, final));
    }

    private static string Markdown(Settings s, IReadOnlyList<EpochStats> history, int bestEpoch, EvaluationReport final)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine($"# {s.Model}: {final.Split} accuracy {final.Accuracy * 100:0.00}%").AppendLine();
        md.AppendLine($"- data: `{s.Data}`");
        md.AppendLine($"- recipe: {s.Recipe}");
        md.AppendLine($"- device: {s.Device} on {s.Machine}");
        md.AppendLine($"- best epoch (by {s.ValidationName} accuracy): {bestEpoch}; its checkpoint is `model.safetensors`");
        md.AppendLine(string.Create(inv, $"- {final.Split}: accuracy {final.Accuracy:P2}, balanced accuracy {final.BalancedAccuracy:P2}, macro-F1 {final.MacroF1:0.0000}, loss {final.Loss:0.0000} on {final.Count:N0} images"));
        md.AppendLine().AppendLine($"![training curves]({CurvesFile})").AppendLine();
        md.AppendLine($"| epoch | train loss | train acc | {s.ValidationName} loss | {s.ValidationName} acc | seconds | images/s |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var h in history)
            md.AppendLine(string.Create(inv, $"| {h.Epoch}{(h.Epoch == bestEpoch ? " *" : "")} | {h.TrainLoss:0.0000} | {h.TrainAccuracy:P2} | {h.ValidationLoss:0.0000} | {h.ValidationAccuracy:P2} | {h.Seconds:0.0} | {h.ImagesPerSecond:0} |"));
        md.AppendLine().AppendLine($"![confusion matrix]({ConfusionFile})").AppendLine();
        md.AppendLine("| class | precision | recall | F1 | support |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var c in final.PerClass)
            md.AppendLine(string.Create(inv, $"| {c.Class} | {c.Precision:0.000} | {c.Recall:0.000} | {c.F1:0.000} | {c.Support} |"));
        return md.ToString();
    }
}
