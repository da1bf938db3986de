using NativeCnn.Engine.Devices;
using System.CommandLine;
using System.Text.Json;
using NativeCnn.Engine.Serialization;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary><c>nativecnn predict --checkpoint FILE IMAGE|FOLDER...</c>: the most likely classes, with probabilities, for face images.</summary>
public static class PredictCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A model.safetensors written by train", Required = true };
        var inputs = new Argument<string[]>("images") { Description = "Image files (.jpg, .png) or folders of them", Arity = ArgumentArity.ZeroOrMore };
        var top = new Option<int>("--top") { Description = "How many classes to show per image", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per image: file, predictions [{class, probability}]" };
        var device = new Option<string>("--device") { Description = "Compute device: " + DeviceFactory.Help, DefaultValueFactory = _ => "cpu" };
        var maxPixels = MaxImagePixelsOption.Create();
        var faces = new FaceOptions();
        var command = new Command("predict", "Classify face images with a trained checkpoint") { checkpoint, inputs, top, json, device, maxPixels };
        foreach (var option in faces.All) command.Add(option);
        command.SetAction(r => ErrorHandling.Run(() => Run(r.GetValue(checkpoint)!, r.GetValue(inputs)!, r.GetValue(top), r.GetValue(json),
            r.GetValue(device)!, r.GetValue(maxPixels), faces.Read(r, r.GetValue(inputs)!))));
        return command;
    }

    // Files that cannot be decoded (corrupt, over the pixel limit, a FIFO or device named .jpg) are listed and skipped;
    // the others still get their predictions, and the exit code is 1.
    private static int Run(string checkpointPath, string[] inputs, int top, bool json, string deviceName, long maxPixels, FaceRequest? faces)
    {
        OptionChecks.Require(top >= 1, "--top", top, "at least 1");
        MaxImagePixelsOption.Validate(maxPixels);
        if (faces is null && inputs.Length == 0) throw new CliException("name at least one image file or folder");
        if (!File.Exists(checkpointPath)) throw new CliException($"checkpoint '{checkpointPath}' does not exist");
        using var device = DeviceFactory.Create(deviceName);
        using var loaded = Checkpoint.Load(checkpointPath, device);
        if (faces is not null) return DetectFacesCommand.Run(loaded.Model, inputs, top, json, faces);
        var result = loaded.Model.Predict(inputs, maxPixels);
        foreach (var issue in result.Skipped) Console.Error.WriteLine($"skipped {issue.File}: {issue.Message}");
        if (result.Predictions.Count == 0) throw new CliException("no image could be decoded");
        foreach (var prediction in result.Predictions)
        {
            var ranked = prediction.Top(top);
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new { file = prediction.File, predictions = ranked.Select(p => new { @class = p.Class, probability = p.Probability }) })
                : $"{prediction.File}: " + string.Join(", ", ranked.Select(p => $"{p.Class} {p.Probability:P1}")));
        }
        return result.Skipped.Count == 0 ? 0 : 1;
    }
}
