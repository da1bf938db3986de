using System.Diagnostics;
using System.Globalization;

namespace NativeCnn.Trainer.Training;

/// <summary>
/// Estimates the time left in a whole training run from the time the finished epochs took, so
/// the progress line can say when a run of many epochs will end, not only the current epoch.
/// </summary>
/// <remarks>
/// Finished epochs include validation and checkpointing, so their mean is the best guess for
/// each epoch still to come. During the first epoch there is no finished one yet, and the
/// current epoch's own projection (elapsed + remaining training time) stands in for it. With
/// early stopping the estimate is an upper bound.
/// </remarks>
public sealed class RunClock
{
    private readonly Stopwatch _run = new();
    private TimeSpan _epochStart;
    private int _finishedEpochs;

    /// <summary>Creates a clock for a run of <paramref name="epochs"/> epochs; time starts at the first <see cref="StartEpoch"/>.</summary>
    /// <param name="epochs">Planned epochs, at least 1.</param>
    /// <param name="firstEpoch">The epoch this process starts at (above 1 when a run is resumed).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is below 1, or <paramref name="firstEpoch"/> is outside 1..<paramref name="epochs"/>.</exception>
    public RunClock(int epochs, int firstEpoch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstEpoch, epochs);
        Epochs = epochs;
        FirstEpoch = firstEpoch;
    }

    /// <summary>Planned epochs.</summary>
    public int Epochs { get; }

    /// <summary>The epoch this process started at.</summary>
    public int FirstEpoch { get; }

    /// <summary>Marks the start of the next epoch; the time since the previous mark counts as one finished epoch.</summary>
    public void StartEpoch()
    {
        if (_run.IsRunning)
        {
            _finishedEpochs++;
        }
        _run.Start();
        _epochStart = _run.Elapsed;
    }

    /// <summary>Time left in the run, given the current epoch's estimated remaining training time.</summary>
    /// <param name="epochRemaining">Remaining time of the current epoch's training pass.</param>
    /// <returns>The estimate (see <see cref="Estimate"/>).</returns>
    public TimeSpan Remaining(TimeSpan epochRemaining) =>
        Estimate(Epochs - FirstEpoch + 1, _finishedEpochs, _epochStart, _run.Elapsed - _epochStart, epochRemaining);

    /// <summary>
    /// The run's remaining time: what is left of the current epoch plus, for every epoch after
    /// it, the mean duration of the finished epochs (or, before any has finished, the current
    /// epoch's projected duration).
    /// </summary>
    /// <param name="epochs">Epochs this process runs.</param>
    /// <param name="finishedEpochs">Epochs finished before the current one (0-based index of the current epoch).</param>
    /// <param name="finishedTime">Wall time the finished epochs took, validation included.</param>
    /// <param name="epochElapsed">Time spent in the current epoch so far.</param>
    /// <param name="epochRemaining">Estimated time left in the current epoch's training pass.</param>
    /// <returns>Estimated time until the last epoch ends; never negative.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="finishedEpochs"/> is negative or not below <paramref name="epochs"/>.</exception>
    public static TimeSpan Estimate(int epochs, int finishedEpochs, TimeSpan finishedTime, TimeSpan epochElapsed, TimeSpan epochRemaining)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(finishedEpochs);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(finishedEpochs, epochs);
        TimeSpan perEpoch = finishedEpochs > 0 ? finishedTime / finishedEpochs : epochElapsed + epochRemaining;
        TimeSpan left = epochRemaining + perEpoch * (epochs - finishedEpochs - 1);
        return left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    /// <summary>Formats a duration as m:ss below an hour and h:mm:ss from an hour on (no wrap at 60 minutes).</summary>
    /// <param name="time">A non-negative duration.</param>
    /// <returns>e.g. "2:05" or "1:41:10".</returns>
    public static string Format(TimeSpan time) =>
        time.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");
}
