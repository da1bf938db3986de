using NativeCnn.Data;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Models;
using NativeCnn.Trainer.Training;
using Spectre.Console;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// Runs a command and turns every failure into one readable line on stderr and an exit code,
/// never a stack trace (set NATIVECNN_DEBUG=1 to see one). Exit codes: 0 success, 1 bad input
/// (files, data, arguments), 2 a check failed, 3 an unexpected internal error.
/// </summary>
public static class ErrorHandling
{
    /// <summary>Runs <paramref name="body"/>, mapping exceptions to messages and exit codes.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is CliException or TrainingException or DatasetException or ModelFormatException or IOException
                                      or UnauthorizedAccessException or ArgumentException or DllNotFoundException or GpuException)
        {
            WriteError(e.Message, e);
            return 1;
        }
        catch (OperationCanceledException e)
        {
            WriteError("the run was stopped before it finished; the same command with --resume continues it", e);
            return 1;
        }
        catch (Exception e)
        {
            WriteError($"internal error ({e.GetType().Name}): {e.Message}", e);
            return 3;
        }
    }

    private static void WriteError(string message, Exception e)
    {
        Console.Error.WriteLine("error: " + message);
        if (Environment.GetEnvironmentVariable("NATIVECNN_DEBUG") == "1") Console.Error.WriteLine(e);
    }

    /// <summary>Writes a line to stdout, escaping Spectre markup in <paramref name="text"/>.</summary>
    public static void Info(string text) => Console.WriteLine(text);
}
