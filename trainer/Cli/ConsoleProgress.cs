using NativeCnn.Trainer.Training;
using Spectre.Console;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// Shows a run's progress as a training callback: a live Spectre.Console bar (batch x/y, loss,
/// accuracy, images/s, ETA of the epoch and of the whole run) on an interactive terminal, or a plain
/// line every tenth of the epoch when the output is a file or a CI log, where redrawing would only
/// produce noise; and one line per finished epoch.
/// </summary>
/// <param name="describeEpoch">The line printed when an epoch ends.</param>
/// <param name="describeResume">The line printed when a resumed run starts, given the restored run.</param>
public sealed class ConsoleProgress(Func<EpochStats, string> describeEpoch, Func<FitContext, string> describeResume) : Callback
{
    private RunClock _clock = null!;
    private ProgressContext? _live;
    private ProgressTask? _task;
    private int _every;

    /// <summary>Runs <paramref name="fit"/> (a Fit call with this callback) inside the live display when the terminal is interactive.</summary>
    public History Run(Func<History> fit)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive) return fit();
        History? history = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                _live = ctx;
                try { history = fit(); }
                finally { _live = null; }
            });
        return history!;
    }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _clock = new RunClock(Context.Epochs, Math.Min(Context.InitialEpoch + 1, Context.Epochs));
        if (Context.InitialEpoch > 0) WriteLine(describeResume(Context));
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch)
    {
        _clock.StartEpoch();
        _every = Math.Max(1, Context.BatchesPerEpoch / 10);
        _task = _live?.AddTask($"epoch {epoch}/{Context.Epochs}", maxValue: Context.BatchesPerEpoch);
    }

    /// <inheritdoc/>
    public override void OnBatchEnd(BatchProgress p)
    {
        if (_task != null)
        {
            _task.Value = p.Batch;
            _task.Description = Markup.Escape(Describe(p));
        }
        else if (p.Batch % _every == 0 || p.Batch == p.Batches) Console.WriteLine(Describe(p));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochStats logs)
    {
        _task?.StopTask();
        WriteLine(describeEpoch(logs));
    }

    // Inside the live display a line goes through Spectre, which prints it above the bars.
    private void WriteLine(string text)
    {
        if (_live != null) AnsiConsole.WriteLine(text);
        else Console.WriteLine(text);
    }

    private string Describe(BatchProgress p) =>
        $"epoch {p.Epoch}/{Context.Epochs}  batch {p.Batch}/{p.Batches}  loss {p.Loss:0.0000}  acc {p.Accuracy:P1}  {p.ImagesPerSecond:0} img/s  "
        + $"ETA {RunClock.Format(p.Remaining)}" + (Context.Epochs > 1 ? $" (run {RunClock.Format(_clock.Remaining(p.Remaining))})" : "");
}
