using NativeCnn.Trainer.Training;
using Spectre.Console;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// Shows an epoch's progress: a live Spectre.Console bar (batch x/y, loss, accuracy, images/s,
/// ETA of the epoch and of the whole run) on an interactive terminal, or a plain line every tenth
/// of the epoch when the output is a file or a CI log, where redrawing would only produce noise.
/// </summary>
public static class ConsoleProgress
{
    /// <summary>Runs <paramref name="epoch"/> with a progress display for <paramref name="batches"/> batches.</summary>
    /// <param name="epochNumber">1-based epoch.</param>
    /// <param name="clock">The run's clock; this marks the epoch's start on it.</param>
    /// <param name="batches">Training batches in the epoch.</param>
    /// <param name="epoch">Runs the epoch, reporting each batch to the callback it is given.</param>
    /// <returns>What <paramref name="epoch"/> returns.</returns>
    public static EpochStats Run(int epochNumber, RunClock clock, int batches, Func<Action<BatchProgress>, EpochStats> epoch)
    {
        clock.StartEpoch();
        int epochs = clock.Epochs;
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            int every = Math.Max(1, batches / 10);
            return epoch(p =>
            {
                if (p.Batch % every == 0 || p.Batch == p.Batches) Console.WriteLine(Describe(p, epochs, clock));
            });
        }
        EpochStats? stats = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"epoch {epochNumber}/{epochs}", maxValue: batches);
                stats = epoch(p =>
                {
                    task.Value = p.Batch;
                    task.Description = Markup.Escape(Describe(p, epochs, clock));
                });
                task.Description = $"epoch {epochNumber}/{epochs}: validating";
            });
        return stats!;
    }

    private static string Describe(BatchProgress p, int epochs, RunClock clock) =>
        $"epoch {p.Epoch}/{epochs}  batch {p.Batch}/{p.Batches}  loss {p.Loss:0.0000}  acc {p.Accuracy:P1}  {p.ImagesPerSecond:0} img/s  "
        + $"ETA {RunClock.Format(p.Remaining)}" + (epochs > 1 ? $" (run {RunClock.Format(clock.Remaining(p.Remaining))})" : "");
}
