using NativeCnn.Engine.Devices;
using System.CommandLine;
using System.Text.Json;
using NativeCnn.Engine.Serialization;
using NativeCnn.Trainer.Training;
using Spectre.Console;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// <c>nativecnn evaluate --checkpoint FILE</c>: accuracy, balanced accuracy, macro-F1, per-class scores and the confusion
/// matrix on a part of a data set (FER-2013's PrivateTest by default), or on every image of it (<c>--split all</c>: a set
/// collected elsewhere, which may lack some of the model's classes).
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A model.safetensors written by train", Required = true };
        var data = new Option<string?>("--data") { Description = "Data set (default: as for train)" };
        var split = new Option<string>("--split") { Description = "Which part: private-test / test (default), public-test / validation, train, or all (every image: for a folder without a split of its own)", DefaultValueFactory = _ => "private-test" };
        split.AcceptOnlyFromAmong([.. TrainingData.PartNames]);
        var json = new Option<bool>("--json") { Description = "Print one JSON object (accuracy, balanced_accuracy, macro_f1, per_class, confusion_matrix, count)" };
        var device = new Option<string>("--device") { Description = "Compute device: " + DeviceFactory.Help, DefaultValueFactory = _ => "cpu" };
        var tta = new Option<string>("--tta") { Description = "Test-time augmentation: none, flip (average with the mirror image) or ten-crop", DefaultValueFactory = _ => "none" };
        tta.AcceptOnlyFromAmong("none", "flip", "ten-crop");
        var cacheDir = CacheDirOption.Create();
        var maxPixels = MaxImagePixelsOption.Create();
        var command = new Command("evaluate", "Evaluate a checkpoint on a split of its data set") { checkpoint, data, split, json, device, tta, cacheDir, maxPixels };
        command.SetAction(r => ErrorHandling.Run(() => Run(r.GetValue(checkpoint)!, r.GetValue(data), r.GetValue(split)!, r.GetValue(json),
            r.GetValue(device)!, r.GetValue(tta)!, r.GetValue(cacheDir), r.GetValue(maxPixels))));
        return command;
    }

    private static int Run(string checkpointPath, string? dataOption, string splitName, bool json, string deviceName, string tta, string? cacheDir, long maxPixels)
    {
        MaxImagePixelsOption.Validate(maxPixels);
        OptionChecks.RequireNotAFile(cacheDir, "--cache-dir");
        if (!File.Exists(checkpointPath)) throw new CliException($"checkpoint '{checkpointPath}' does not exist");
        using var device = DeviceFactory.Create(deviceName);
        using var loaded = Checkpoint.Load(checkpointPath, device);
        string dataPath = DataLocator.Resolve(dataOption);
        Action<string> log = json ? _ => { } : ErrorHandling.Info;
        // The data's classes are checked against the model's before any image is decoded.
        var data = DatasetLoader.Load(dataPath, loaded.Model.Spec.InputShapeHwc, loaded.Model.Classes, log, ClassMatch.Some, cacheDir, maxPixels);
        var part = data.Part(splitName);
        if (part.Count == 0)
            throw new CliException($"{dataPath}: its {splitName} part has no images of the model's classes, so there is nothing to evaluate"
                + (splitName == "all" ? "" : " (--split all scores every image)"));
        var mode = tta switch { "flip" => TestTimeAugmentationMode.Flip, "ten-crop" => TestTimeAugmentationMode.TenCrop, _ => TestTimeAugmentationMode.None };
        var result = loaded.Model.Evaluate(part, mode);
        var report = EvaluationReport.From(result, splitName, checkpointPath);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, RunFolder.Json));
            return 0;
        }
        Print(report, loaded.Model.Spec.Name);
        return 0;
    }

    private static void Print(EvaluationReport r, string model)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(model)}[/] on {r.Split}: {r.Count:N0} images");
        AnsiConsole.MarkupLine($"accuracy [bold]{r.Accuracy:P2}[/]   balanced accuracy {r.BalancedAccuracy:P2}   macro-F1 {r.MacroF1:0.0000}   loss {r.Loss:0.0000}");
        var perClass = new Table().AddColumns("class", "precision", "recall", "F1", "support");
        foreach (var c in r.PerClass)
            perClass.AddRow(c.Class, c.Precision.ToString("0.000"), c.Recall.ToString("0.000"), c.F1.ToString("0.000"), c.Support.ToString());
        AnsiConsole.Write(perClass);
        var confusion = new Table { Title = new TableTitle("confusion matrix (rows: true, columns: predicted)") };
        confusion.AddColumn("");
        foreach (var c in r.PerClass) confusion.AddColumn(new TableColumn(c.Class).RightAligned());
        for (int i = 0; i < r.ConfusionMatrix.Length; i++)
            confusion.AddRow([r.PerClass[i].Class, .. r.ConfusionMatrix[i].Select(v => v.ToString())]);
        AnsiConsole.Write(confusion);
    }
}
