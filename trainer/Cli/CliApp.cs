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

    /// <summary>
    /// Parses and runs <paramref name="args"/>; returns the process exit code (see <see cref="ErrorHandling"/>). A command line
    /// that does not parse (an unknown option, a value of the wrong type or not among the allowed ones) gets one line per
    /// problem and exit code 1, not the help text; <c>--help</c> shows that.
    /// </summary>
    public static int Run(string[] args)
    {
        Terminal.Detect().ConfigureSpectre();
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count == 0) return parsed.Invoke();
        foreach (var error in parsed.Errors)
            Console.Error.WriteLine("error: " + string.Join(' ', error.Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        return 1;
    }
}
