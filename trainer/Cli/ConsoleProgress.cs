using System.Diagnostics;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// Shows a run's progress as a training callback. On an interactive terminal one line (epoch, batch, bar, loss,
/// accuracy, images/s, the epoch's and the run's ETA; see <see cref="ProgressLine"/>) is redrawn in place, fitted to
/// the terminal's width at every redraw, so it never wraps. When the output is a file, a pipe or a CI log, where
/// redrawing would only produce noise, it prints a plain line every tenth of the epoch instead, and never an escape
/// code. Either way one line per finished epoch stays.
/// </summary>
/// <param name="terminal">Where the output goes.</param>
/// <param name="describeEpoch">The line printed when an epoch ends.</param>
/// <param name="describeResume">The line printed when a resumed run starts, given the restored run.</param>
internal sealed class ConsoleProgress(Terminal terminal, Func<EpochStats, string> describeEpoch, Func<FitContext, string> describeResume) : Callback
{
    // Redrawing more often than this only costs time.
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly Stopwatch _sinceRedraw = new();
    private RunClock _clock = null!;
    private int _every;
    private int _liveLength;

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
        _sinceRedraw.Reset();
    }

    /// <inheritdoc/>
    public override void OnBatchEnd(BatchProgress p)
    {
        var fields = new ProgressLine.Fields(p.Epoch, Context.Epochs, p.Batch, p.Batches, p.Loss, p.Accuracy, p.ImagesPerSecond, p.Remaining,
            Context.Epochs > 1 ? _clock.Remaining(p.Remaining) : null);
        if (!terminal.IsInteractive)
        {
            if (p.Batch % _every == 0 || p.Batch == p.Batches) Console.WriteLine(ProgressLine.Plain(fields));
            return;
        }
        if (_sinceRedraw.IsRunning && _sinceRedraw.Elapsed < RedrawInterval && p.Batch != p.Batches) return;
        _sinceRedraw.Restart();
        string line = ProgressLine.Fit(fields, terminal.Width());
        // The rest of a longer previous line is erased: with the erase-to-end-of-line code, or with spaces when escape codes are off.
        Console.Write("\r" + line + (terminal.UseEscapeCodes ? EraseLine : new string(' ', Math.Max(0, _liveLength - line.Length))));
        _liveLength = line.Length;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochStats logs) => WriteLine(describeEpoch(logs));

    /// <inheritdoc/>
    public override void OnTrainEnd() => ClearLive();

    private const string EraseLine = "\u001b[K";

    // A line printed while the live line shows replaces it; the live line is drawn again at the next batch.
    private void WriteLine(string text)
    {
        ClearLive();
        Console.WriteLine(text);
    }

    private void ClearLive()
    {
        if (_liveLength == 0) return;
        Console.Write(terminal.UseEscapeCodes ? "\r" + EraseLine : "\r" + new string(' ', _liveLength) + "\r");
        _liveLength = 0;
    }
}
