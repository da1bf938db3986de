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
            using var device = new CpuDevice();
            using var m = Sequential.Build(ModelLocator.Load(r.GetValue(model)!), device);
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new { total = m.TotalParameterCount, trainable = m.TrainableParameterCount, non_trainable = m.NonTrainableParameterCount }));
            else
                Console.Write(ModelSummary.Format(m));
            return 0;
        }));
        return command;
    }
}
