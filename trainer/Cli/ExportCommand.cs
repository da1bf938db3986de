using System.CommandLine;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Serialization;
using NativeCnn.Engine.Serialization.Onnx;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// <c>nativecnn export --checkpoint FILE --format onnx --out model.onnx</c>: the model as an ONNX file
/// (opset 13, input "input" float32 [N, C, H, W] in [0, 1], output "probabilities" [N, classes], class
/// names in the metadata) for ONNX Runtime and other runtimes.
/// </summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A model.safetensors written by train (or a last.safetensors)", Required = true };
        var format = new Option<string>("--format") { Description = "File format: onnx", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx");
        var output = new Option<string>("--out") { Description = "The file to write, e.g. model.onnx", Required = true };
        var command = new Command("export", "Export a trained model to another format (ONNX)") { checkpoint, format, output };
        command.SetAction(r => ErrorHandling.Run(() => Run(r.GetValue(checkpoint)!, r.GetValue(output)!)));
        return command;
    }

    private static int Run(string checkpointPath, string outputPath)
    {
        if (!File.Exists(checkpointPath)) throw new CliException($"checkpoint '{checkpointPath}' does not exist");
        using var device = new CpuDevice();
        using var loaded = Checkpoint.Load(checkpointPath, device);
        var model = loaded.Model;
        OnnxExport.Save(model, outputPath);
        ErrorHandling.Info($"wrote {Path.GetFullPath(outputPath)}: ONNX opset {OnnxExport.Opset}, input '{OnnxExport.InputName}' float32 "
            + $"[N, {string.Join(", ", model.InputShape)}] in [0, 1], output '{OnnxExport.OutputName}' [N, {model.ClassCount}] "
            + $"({string.Join(", ", model.Classes)})");
        return 0;
    }
}
