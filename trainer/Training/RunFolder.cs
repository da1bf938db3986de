using System.Text.Json;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Trainer.Training;

/// <summary>
/// A training run's output folder: model.safetensors (best checkpoint), metrics.jsonl (one JSON
/// object per epoch, appended and flushed as each epoch ends, so a crash keeps the finished
/// epochs) and report.json (written atomically at the end).
/// </summary>
public sealed class RunFolder
{
    /// <summary>JSON naming used in every file: snake_case keys.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    /// <summary>Creates the folder if needed.</summary>
    /// <exception cref="CliException">The folder already holds a finished run (report.json), which would be overwritten.</exception>
    public RunFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (File.Exists(ReportPath))
            throw new CliException($"{Path} already holds a finished run (report.json); choose another --out");
        Directory.CreateDirectory(Path);
        File.WriteAllText(MetricsPath, "");
    }

    /// <summary>Absolute folder path.</summary>
    public string Path { get; }
    /// <summary>The best checkpoint.</summary>
    public string CheckpointPath => System.IO.Path.Combine(Path, "model.safetensors");
    /// <summary>Per-epoch metrics, JSON lines.</summary>
    public string MetricsPath => System.IO.Path.Combine(Path, "metrics.jsonl");
    /// <summary>Final report.</summary>
    public string ReportPath => System.IO.Path.Combine(Path, "report.json");

    /// <summary>Appends one epoch's metrics as a JSON line.</summary>
    public void AppendMetrics(EpochStats stats)
    {
        using var stream = new FileStream(MetricsPath, FileMode.Append, FileAccess.Write);
        using var writer = new StreamWriter(stream);
        writer.WriteLine(JsonSerializer.Serialize(stats, Json));
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Writes report.json atomically.</summary>
    public void WriteReport(object report) =>
        AtomicFile.WriteAllText(ReportPath, JsonSerializer.Serialize(report, new JsonSerializerOptions(Json) { WriteIndented = true }) + "\n");
}
