using System.CommandLine;

namespace NativeCnn.Trainer.Cli;

/// <summary>The nativecnn command tree; <see cref="Run"/> is the whole program, callable in-process by tests.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every sub-command.</summary>
    public static RootCommand Create() => new("NativeCnn: train, evaluate and export the published Keras facial-expression CNNs with a from-scratch C# engine")
    {
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        PredictCommand.Create(),
        ExportCommand.Create(),
        SummaryCommand.Create(),
        GradcheckCommand.Create(),
        DevicesCommand.Create(),
    };

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code (see <see cref="ErrorHandling"/>).</summary>
    public static int Run(string[] args) => Create().Parse(args).Invoke();
}
