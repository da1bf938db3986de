using System.Text.Json;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// A training run's output folder, held by one run at a time: model.safetensors (the model file
/// <see cref="ModelCheckpoint"/> writes), last.safetensors (the state after the latest epoch, weights,
/// optimizer and callbacks, that <see cref="BackupAndRestore"/> writes and resumes from), metrics.jsonl
/// (one JSON object per epoch, appended and flushed as each epoch ends, so a crash keeps the finished
/// epochs), the reports people read (<see cref="ReportDocuments"/>: report.md and its charts) and
/// report.json, written last: its presence marks the run finished.
/// </summary>
/// <remarks>
/// <para>Opening a folder locks it (<see cref="RunLock"/>, released by <see cref="Dispose"/> or when the
/// process ends, however it ends), so a second run on the same folder is refused instead of
/// interleaving its files with the first's. Opening it also deletes the temporary files an atomic
/// write leaves when its process is killed (<see cref="AtomicFile.RemoveStaleTemporaries"/>), and
/// changes nothing else: a new run clears the folder only when it starts training (<see cref="Start"/>),
/// after its data and model have loaded, so a command that fails before that leaves an interrupted run
/// resumable.</para>
/// <para>A folder that holds anything is refused unless the run continues it (resume) or replaces it
/// (overwrite, which deletes the run files named here and nothing else). Resuming a finished run whose
/// reports are complete is refused too; one with a report missing (its process was killed while writing
/// them) is opened, so the caller can write them again.</para>
/// </remarks>
public sealed class RunFolder : IDisposable
{
    /// <summary>JSON naming used in every file: snake_case keys.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    /// <summary>The model file's name: the model <see cref="ModelCheckpoint"/> keeps.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>The resumable state's file name.</summary>
    public const string LastFile = "last.safetensors";
    /// <summary>The per-epoch metrics' file name.</summary>
    public const string MetricsFile = "metrics.jsonl";
    /// <summary>The final report's file name; written last, it marks the run finished.</summary>
    public const string ReportFile = "report.json";
    /// <summary>The Markdown report's file name.</summary>
    public const string MarkdownFile = "report.md";
    /// <summary>The training-curves chart's file name (PNG; an SVG of the same name goes with it).</summary>
    public const string CurvesFile = "training_curves.png";
    /// <summary>The confusion-matrix chart's file name (PNG; an SVG of the same name goes with it).</summary>
    public const string ConfusionFile = "confusion_matrix.png";

    /// <summary>The reports for people, written at the end before <see cref="ReportFile"/>: the Markdown report and both charts as PNG and SVG.</summary>
    public static IReadOnlyList<string> ReportDocuments { get; } =
        [MarkdownFile, CurvesFile, System.IO.Path.ChangeExtension(CurvesFile, ".svg"), ConfusionFile, System.IO.Path.ChangeExtension(ConfusionFile, ".svg")];

    private readonly RunLock _lock;

    /// <summary>Locks the folder (creating it if needed), removes stale temporary files and checks that the run may use it.</summary>
    /// <param name="path">The run folder.</param>
    /// <param name="resume">Continue the interrupted run the folder holds (or write a finished run's missing reports) instead of starting one.</param>
    /// <param name="overwrite">Replace the run the folder holds: its run files are deleted when the new run starts training.</param>
    /// <exception cref="ArgumentException">Both <paramref name="resume"/> and <paramref name="overwrite"/>.</exception>
    /// <exception cref="TrainingException">The path is a file; another process holds the folder; the folder is not empty and neither
    /// flag is given; or <paramref name="resume"/> is given and there is no last.safetensors, or the run is finished with every report
    /// written. The message names the folder and what to do.</exception>
    public RunFolder(string path, bool resume = false, bool overwrite = false)
    {
        if (resume && overwrite)
            throw new ArgumentException("--resume continues the run in the folder and --overwrite replaces it: give one of them");
        Path = System.IO.Path.GetFullPath(path);
        Resume = resume;
        Overwrite = overwrite;
        if (File.Exists(Path))
            throw new TrainingException($"{Path} is a file; a run needs a folder (an existing empty one, or a name that does not exist yet)");
        if (resume && !Directory.Exists(Path)) throw NothingToResume();
        Directory.CreateDirectory(Path);
        _lock = RunLock.Acquire(Path);
        try
        {
            RemovedTemporaries = AtomicFile.RemoveStaleTemporaries(Path);
            CheckState();
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    private void CheckState()
    {
        if (Resume)
        {
            if (!File.Exists(LastCheckpointPath)) throw NothingToResume();
            if (IsFinished && MissingReports.Count == 0)
                throw new TrainingException($"{Path} already holds a finished run ({ReportFile} and every report); there is nothing to resume");
            return;
        }
        if (Overwrite) return;
        if (IsFinished)
            throw new TrainingException($"{Path} already holds a finished run ({ReportFile}); choose another folder, or replace it with --overwrite");
        var entries = Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Where(n => n != RunLock.FileName).Order().ToList();
        if (entries.Count > 0)
            throw new TrainingException($"{Path} is not empty ({string.Join(", ", entries.Take(4))}{(entries.Count > 4 ? ", ..." : "")}); "
                + "continue the run it holds with --resume, replace it with --overwrite, or choose another folder");
    }

    private TrainingException NothingToResume() =>
        new($"{LastCheckpointPath}: not found; resuming continues an interrupted run from the last.safetensors in its folder");

    /// <summary>True when the folder holds an interrupted run that is being continued.</summary>
    public bool Resume { get; }
    /// <summary>True when the run replaces the one the folder held.</summary>
    public bool Overwrite { get; }
    /// <summary>Absolute folder path.</summary>
    public string Path { get; }
    /// <summary>The stale temporary files removed when the folder was opened.</summary>
    public IReadOnlyList<string> RemovedTemporaries { get; }
    /// <summary>True when the folder holds a finished run (its <see cref="ReportFile"/>).</summary>
    public bool IsFinished => File.Exists(ReportPath);
    /// <summary>The <see cref="ReportDocuments"/> not in the folder.</summary>
    public IReadOnlyList<string> MissingReports => ReportDocuments.Where(n => !File.Exists(System.IO.Path.Combine(Path, n))).ToList();
    /// <summary>The model file (by default the best epoch's).</summary>
    public string CheckpointPath => System.IO.Path.Combine(Path, ModelFile);
    /// <summary>The state after the latest finished epoch (weights, optimizer moments and step, learning rate, callbacks' state), rewritten every epoch.</summary>
    public string LastCheckpointPath => System.IO.Path.Combine(Path, LastFile);
    /// <summary>Per-epoch metrics, JSON lines.</summary>
    public string MetricsPath => System.IO.Path.Combine(Path, MetricsFile);
    /// <summary>Final report.</summary>
    public string ReportPath => System.IO.Path.Combine(Path, ReportFile);

    /// <summary>
    /// Called by <see cref="BackupAndRestore"/> as training starts: a new run deletes the run files an overwritten run left
    /// (report.json first, so a break leaves no folder that looks finished) and starts an empty metrics.jsonl; a resumed run changes nothing.
    /// </summary>
    internal void Start()
    {
        if (Resume) return;
        foreach (string name in (string[])[ReportFile, .. ReportDocuments, ModelFile, LastFile, MetricsFile])
            File.Delete(System.IO.Path.Combine(Path, name));
        File.WriteAllText(MetricsPath, "");
    }

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

    /// <summary>Writes report.json atomically: the last file of a run, which marks it finished.</summary>
    public void WriteReport(object report) =>
        AtomicFile.WriteAllText(ReportPath, JsonSerializer.Serialize(report, new JsonSerializerOptions(Json) { WriteIndented = true }) + "\n");

    /// <summary>Releases the folder's lock.</summary>
    public void Dispose() => _lock.Dispose();
}
