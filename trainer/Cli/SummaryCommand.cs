using System.CommandLine;
using System.Text.Json;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;

namespace NativeCnn.Trainer.Cli;

/// <summary><c>nativecnn summary --model NAME [--json]</c>: the Keras-style layer table and parameter counts.</summary>
public static class SummaryCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Architecture name (seed002, ...) or path to a JSON file", Required = true };
        var json = new Option<bool>("--json") { Description = "Print {\"total\", \"trainable\", \"non_trainable\"} as JSON" };
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts (like Keras model.summary())") { model, json };
        command.SetAction(r => ErrorHandling.Run(() =>
        {
            // The table comes from the layers' sizes alone (ModelFootprint): nothing is allocated, so a model too large to train
            // still gets its summary. Only a model whose layers do not fit together is built, to report the layer's own error.
            using var m = Sequential.Create(ModelLocator.Load(r.GetValue(model)!));
            using var device = new CpuDevice();
            if (!ModelFootprint.Of(m).IsComplete) m.Build(device);
            var (total, trainable) = ModelSummary.Counts(m);
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new { total, trainable, non_trainable = total - trainable }));
            else
                Console.Write(ModelSummary.Format(m));
            return 0;
        }));
        return command;
    }
}
