using System.Globalization;
using System.Text;
using NativeCnn.Engine.Serialization;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Reports;

/// <summary>
/// What a person looks at after a run: training_curves.png (loss and accuracy per epoch, train
/// and validation), confusion_matrix.png (the final evaluation) and report.md tying them
/// together with the settings, the per-epoch numbers and the per-class scores.
/// </summary>
public static class RunReport
{
    /// <summary>File names written into the run folder.</summary>
    public const string CurvesFile = "training_curves.png", ConfusionFile = "confusion_matrix.png", MarkdownFile = "report.md";

    /// <summary>Settings shown at the top of the report.</summary>
    /// <param name="Model">Architecture name.</param>
    /// <param name="Data">Data location.</param>
    /// <param name="Device">Device description.</param>
    /// <param name="Machine">Machine description.</param>
    /// <param name="Recipe">Optimizer, learning rate, batch, epochs, seed as text.</param>
    /// <param name="ValidationName">What the validation curve is measured on (e.g. PublicTest).</param>
    public sealed record Settings(string Model, string Data, string Device, string Machine, string Recipe, string ValidationName);

    /// <summary>Writes the two images and the Markdown report into <paramref name="folder"/>.</summary>
    public static void Write(string folder, Settings settings, IReadOnlyList<EpochStats> history, int bestEpoch, EvaluationReport final)
    {
        var curves = new Canvas(1280, 440);
        LineChart.Draw(curves, 0, 0, 640, 440, "LOSS", [
            new ChartSeries("TRAIN", history.Select(h => h.TrainLoss).ToList(), Rgb.Blue),
            new ChartSeries(settings.ValidationName, history.Select(h => h.ValidationLoss).ToList(), Rgb.Orange)], percent: false);
        LineChart.Draw(curves, 640, 0, 640, 440, "ACCURACY", [
            new ChartSeries("TRAIN", history.Select(h => h.TrainAccuracy).ToList(), Rgb.Blue),
            new ChartSeries(settings.ValidationName, history.Select(h => h.ValidationAccuracy).ToList(), Rgb.Orange)], percent: true);
        curves.SavePng(Path.Combine(folder, CurvesFile));

        ConfusionMatrixChart.Render(final.ConfusionMatrix, final.PerClass.Select(c => c.Class).ToList(),
            $"{final.Split.ToUpperInvariant()}: ACCURACY {final.Accuracy * 100:0.00}%").SavePng(Path.Combine(folder, ConfusionFile));

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
