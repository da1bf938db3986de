using NativeCnn.Engine.Devices;
using System.CommandLine;
using System.Text.Json;
using NativeCnn.Data.Imaging;
using NativeCnn.Engine.Serialization;
using NativeCnn.Engine.Tensors;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary><c>nativecnn predict --checkpoint FILE IMAGE|FOLDER...</c>: the most likely classes, with probabilities, for face images.</summary>
public static class PredictCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A model.safetensors written by train", Required = true };
        var inputs = new Argument<string[]>("images") { Description = "Image files (.jpg, .png) or folders of them", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "How many classes to show per image", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per image: file, predictions [{class, probability}]" };
        var device = new Option<string>("--device") { Description = "Compute device: " + DeviceFactory.Help, DefaultValueFactory = _ => "cpu" };
        var command = new Command("predict", "Classify face images with a trained checkpoint") { checkpoint, inputs, top, json, device };
        command.SetAction(r => ErrorHandling.Run(() =>
            Run(r.GetValue(checkpoint)!, r.GetValue(inputs)!, r.GetValue(top), r.GetValue(json), r.GetValue(device)!)));
        return command;
    }

    private static int Run(string checkpointPath, string[] inputs, int top, bool json, string deviceName)
    {
        if (!File.Exists(checkpointPath)) throw new CliException($"checkpoint '{checkpointPath}' does not exist");
        using var device = DeviceFactory.Create(deviceName);
        using var loaded = Checkpoint.Load(checkpointPath, device);
        var model = loaded.Model;
        var (h, w, c) = (model.Spec.InputShapeHwc[0], model.Spec.InputShapeHwc[1], model.Spec.InputShapeHwc[2]);
        if (c != 1) throw new CliException($"the model expects {c} channels; predict supports grayscale models");
        var images = ImageFiles.LoadGray(inputs, h, w);
        foreach (var issue in images.Issues) Console.Error.WriteLine($"skipped {issue.File}: {issue.Message}");
        if (images.Files.Count == 0) throw new CliException("no image could be decoded");

        const int batch = 64;
        int k = model.ClassCount, shown = Math.Clamp(top, 1, k), sample = h * w;
        var probabilities = new float[batch * k];
        for (int start = 0; start < images.Files.Count; start += batch)
        {
            int count = Math.Min(batch, images.Files.Count - start);
            using var x = device.Allocate(DType.Float32, count, 1, h, w);
            device.Upload<float>(x, images.Pixels.AsSpan(start * sample, count * sample));
            device.Download<float>(model.Predict(x), probabilities.AsSpan(0, count * k));
            for (int i = 0; i < count; i++)
            {
                var ranked = Enumerable.Range(0, k).Select(j => (Class: model.Spec.Classes[j], Probability: probabilities[i * k + j]))
                    .OrderByDescending(p => p.Probability).Take(shown).ToList();
                string file = images.Files[start + i];
                Console.WriteLine(json
                    ? JsonSerializer.Serialize(new { file, predictions = ranked.Select(p => new { @class = p.Class, probability = p.Probability }) })
                    : $"{file}: " + string.Join(", ", ranked.Select(p => $"{p.Class} {p.Probability:P1}")));
            }
        }
        return images.Issues.Count == 0 ? 0 : 1;
    }
}
