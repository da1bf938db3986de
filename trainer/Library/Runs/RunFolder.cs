using System.Text.Json;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// A training run's output folder: model.safetensors (the model file <see cref="ModelCheckpoint"/>
/// writes), last.safetensors (the state after the latest epoch, weights, optimizer and callbacks, that
/// <see cref="BackupAndRestore"/> writes and resumes from), metrics.jsonl
/// (one JSON object per epoch, appended and flushed as each epoch ends, so a crash keeps the
/// finished epochs) and report.json (written atomically at the end).
/// </summary>
public sealed class RunFolder
{
    /// <summary>JSON naming used in every file: snake_case keys.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    /// <summary>Creates the folder if needed, or opens an interrupted run's folder to resume it.</summary>
    /// <param name="path">The run folder.</param>
    /// <param name="resume">Keep the folder's metrics and checkpoints (the run continues) instead of starting empty.</param>
    /// <exception cref="TrainingException">The folder already holds a finished run (report.json), which would be overwritten;
    /// or <paramref name="resume"/> is set and the folder has no last.safetensors to resume from.</exception>
    public RunFolder(string path, bool resume = false)
    {
        Path = System.IO.Path.GetFullPath(path);
        Resume = resume;
        if (File.Exists(ReportPath))
            throw new TrainingException($"{Path} already holds a finished run (report.json); choose another folder");
        if (resume)
        {
            if (!File.Exists(LastCheckpointPath))
                throw new TrainingException($"{LastCheckpointPath}: not found; resuming continues an interrupted run from the last.safetensors in its folder");
            return;
        }
        Directory.CreateDirectory(Path);
        File.WriteAllText(MetricsPath, "");
    }

    /// <summary>The model file's name: the model <see cref="ModelCheckpoint"/> keeps.</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>True when the folder holds an interrupted run that is being continued.</summary>
    public bool Resume { get; }
    /// <summary>Absolute folder path.</summary>
    public string Path { get; }
    /// <summary>The model file (by default the best epoch's).</summary>
    public string CheckpointPath => System.IO.Path.Combine(Path, ModelFile);
    /// <summary>The state after the latest finished epoch (weights, optimizer moments and step, learning rate, callbacks' state), rewritten every epoch.</summary>
    public string LastCheckpointPath => System.IO.Path.Combine(Path, "last.safetensors");
    /// <summary>Per-epoch metrics, JSON lines.</summary>
    public string MetricsPath => System.IO.Path.Combine(Path, "metrics.jsonl");
    /// <summary>Final report.</summary>
    public string ReportPath => System.IO.Path.Combine(Path, "report.json");

    /// <summary>Appends one epoch's metrics as a JSON line.</summary>
    public void AppendMetrics(EpochStats stats)
    {
        using var stream = new FileStream(MetricsPath, FileMode.Append, FileAccess.Write);
        using var writer = new StreamWriter(stream);
        writer.WriteLine(MetricsLine(stats));
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// The metrics of epochs 1..<paramref name="lastEpoch"/> from metrics.jsonl, which is rewritten
    /// (atomically) to hold just those: an epoch whose line was written but whose last.safetensors
    /// was not is run again on resume.
    /// </summary>
    /// <param name="lastEpoch">The epoch last.safetensors holds.</param>
    /// <returns>One entry per epoch, in order.</returns>
    /// <exception cref="TrainingException">A line is not an epoch's metrics, or an epoch up to <paramref name="lastEpoch"/> is missing.</exception>
    public List<EpochStats> KeepMetricsThrough(int lastEpoch)
    {
        var kept = new List<EpochStats>();
        string[] lines = File.Exists(MetricsPath) ? File.ReadAllLines(MetricsPath) : [];
        for (int i = 0; i < lines.Length && kept.Count < lastEpoch; i++)
        {
            EpochStats? stats;
            try { stats = JsonSerializer.Deserialize<EpochStats>(lines[i], Json); }
            catch (JsonException e) { throw new TrainingException($"{MetricsPath}:{i + 1}: not an epoch's metrics ({e.Message})"); }
            if (stats is null || stats.Epoch != kept.Count + 1)
                throw new TrainingException($"{MetricsPath}:{i + 1}: expected the metrics of epoch {kept.Count + 1}");
            kept.Add(stats);
        }
        if (kept.Count < lastEpoch)
            throw new TrainingException($"{MetricsPath}: has {kept.Count} epochs, but {LastCheckpointPath} is at epoch {lastEpoch}");
        AtomicFile.WriteAllText(MetricsPath, string.Concat(kept.Select(k => MetricsLine(k) + "\n")));
        return kept;
    }

    private static string MetricsLine(EpochStats stats) => JsonSerializer.Serialize(stats, Json);

    /// <summary>Writes report.json atomically.</summary>
    public void WriteReport(object report) =>
        AtomicFile.WriteAllText(ReportPath, JsonSerializer.Serialize(report, new JsonSerializerOptions(Json) { WriteIndented = true }) + "\n");
}
