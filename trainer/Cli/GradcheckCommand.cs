using System.CommandLine;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Diagnostics;
using Spectre.Console;

namespace NativeCnn.Trainer.Cli;

/// <summary><c>nativecnn gradcheck [--layer NAME] [--device D]</c>: float64 central-difference checks of every layer's
/// backward pass on any device (the GPU kernels too, compiled for float64).</summary>
public static class GradcheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var layer = new Option<string?>("--layer") { Description = "Only layers of this Keras type (Conv2D, Dense, BatchNormalization, MaxPooling2D, Dropout, Flatten, Activation) or 'loss'" };
        var device = new Option<string>("--device") { Description = "Compute device: " + DeviceFactory.Help, DefaultValueFactory = _ => "cpu" };
        var command = new Command("gradcheck", "Check every layer's gradients against central differences in float64") { layer, device };
        command.SetAction(r => ErrorHandling.Run(() => Run(r.GetValue(layer), r.GetValue(device)!)));
        return command;
    }

    // Uneven weights, like 'balanced' gives FER-2013 (disgust is rare), so a dropped weight shows.
    private static readonly double[] WeightedLossClassWeight = [1.03, 9.41, 1.0, 0.57, 0.85, 1.29, 0.83];

    private static int Run(string? filter, string deviceName)
    {
        var cases = GradientCheckSuite.Cases.Where(c => filter == null || c.LayerType.Equals(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        bool includeLoss = filter == null || filter.Equals("loss", StringComparison.OrdinalIgnoreCase);
        if (cases.Count == 0 && !includeLoss)
            throw new Training.CliException($"no layer type '{filter}'; choose from {string.Join(", ", GradientCheckSuite.Cases.Select(c => c.LayerType).Distinct())}, loss");
        using var device = DeviceFactory.Create(deviceName);
        ErrorHandling.Info($"device: {device.Name}");

        var table = new Table().AddColumns("case", "tensor", "checked", "max abs error", "max rel error", "result");
        bool allPassed = true;
        void Add(string name, GradientCheckResult r)
        {
            allPassed &= r.Passed;
            table.AddRow(Markup.Escape(name), r.Tensor, r.Checked.ToString(), r.MaxAbsoluteError.ToString("E2"), r.MaxRelativeError.ToString("E2"),
                r.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        }
        foreach (var c in cases)
            foreach (var r in GradientCheckSuite.Run(device, c)) Add(c.Name, r);
        if (includeLoss)
        {
            Add("softmax cross-entropy", new GradientChecker().CheckLoss(device, batch: 5, classes: 7));
            Add("softmax cross-entropy, class-weighted", new GradientChecker().CheckLoss(device, batch: 5, classes: 7, WeightedLossClassWeight));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(allPassed ? "[green]all gradients match central differences[/]" : "[red]some gradients do not match[/]");
        return allPassed ? 0 : 2;
    }
}
