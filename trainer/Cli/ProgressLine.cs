using System.Globalization;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// The text of a training progress line: epoch, batch, a bar, loss, accuracy, speed, the epoch's ETA and the run's.
/// A line for a terminal fits its width (one column is left free, as a write into the last column wraps on many
/// terminals): as the width shrinks, the bar narrows and then fields are dropped, least useful first, down to the
/// epoch alone, so the line never wraps and is redrawn in place.
/// </summary>
internal static class ProgressLine
{
    /// <summary>The numbers of one batch.</summary>
    /// <param name="Epoch">1-based epoch.</param>
    /// <param name="Epochs">Epochs of the run.</param>
    /// <param name="Batch">Batches done in this epoch.</param>
    /// <param name="Batches">Batches per epoch.</param>
    /// <param name="Loss">Mean training loss so far this epoch.</param>
    /// <param name="Accuracy">Training accuracy so far this epoch, 0..1.</param>
    /// <param name="ImagesPerSecond">Training throughput.</param>
    /// <param name="EpochRemaining">Time left in this epoch's training pass.</param>
    /// <param name="RunRemaining">Time left in the run, or null for a one-epoch run (where it is the epoch's).</param>
    public sealed record Fields(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond,
        TimeSpan EpochRemaining, TimeSpan? RunRemaining);

    private const string Separator = "  ";
    private const int MinBar = 12, MaxBar = 32;

    /// <summary>One field: its text (null for the bar, which takes the room left), and its rank: higher ranks are dropped first.</summary>
    private sealed record Part(string? Text, int Rank);

    // Display order.
    private static IEnumerable<Part> Parts(Fields f)
    {
        yield return new($"epoch {f.Epoch}/{f.Epochs}", 0);
        yield return new($"batch {f.Batch}/{f.Batches}", 3);
        yield return new(null, 4);
        yield return new(string.Create(CultureInfo.InvariantCulture, $"loss {f.Loss:0.0000}"), 1);
        yield return new(string.Create(CultureInfo.InvariantCulture, $"acc {f.Accuracy * 100:0.0} %"), 5);
        yield return new(string.Create(CultureInfo.InvariantCulture, $"{f.ImagesPerSecond:0} img/s"), 7);
        yield return new($"ETA {RunClock.Format(f.EpochRemaining)}", 2);
        if (f.RunRemaining is { } run) yield return new($"run {RunClock.Format(run)}", 6);
    }

    /// <summary>The line for a terminal <paramref name="width"/> columns wide: at most width - 1 characters.</summary>
    public static string Fit(Fields f, int width)
    {
        int room = Math.Max(1, width - 1);
        var parts = Parts(f).ToList();
        while (true)
        {
            int fixedLength = parts.Sum(p => p.Text?.Length ?? 0) + Separator.Length * (parts.Count - 1);
            bool hasBar = parts.Any(p => p.Text is null);
            if (fixedLength + (hasBar ? MinBar : 0) <= room || parts.Count == 1)
            {
                string line = string.Join(Separator, parts.Select(p => p.Text ?? DrawBar(f.Batch, f.Batches, Math.Min(MaxBar, room - fixedLength))));
                return line.Length <= room ? line : line[..room];
            }
            parts.Remove(parts.MaxBy(p => p.Rank)!);
        }
    }

    /// <summary>The line for a log: every field, no bar.</summary>
    public static string Plain(Fields f) => string.Join(Separator, Parts(f).Where(p => p.Text is not null).Select(p => p.Text));

    private static string DrawBar(int done, int total, int width)
    {
        int inner = width - 2, filled = total > 0 ? (int)((long)inner * done / total) : 0;
        return "[" + new string('#', filled) + new string('.', inner - filled) + "]";
    }
}
