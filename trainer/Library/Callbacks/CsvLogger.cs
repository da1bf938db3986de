using System.Globalization;
using System.Text;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// Keras' <c>CSVLogger</c>: one row per epoch (epoch and every metric of <see cref="EpochStats"/>,
/// plus seconds and images per second) in a CSV file with a header, written as each epoch ends. A
/// resumed run rewrites the file with the finished epochs' rows first, so it never holds an epoch
/// twice or one the run's backup does not have.
/// </summary>
/// <param name="path">The CSV file; its folder must exist.</param>
/// <param name="separator">Field separator (Keras' default ',').</param>
public sealed class CsvLogger(string path, char separator = ',') : Callback
{
    /// <summary>The CSV file.</summary>
    public string Path { get; } = path;

    private static readonly string[] Extra = ["seconds", "images_per_second"];

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        var text = new StringBuilder(Row(["epoch", .. EpochStats.MetricNames, .. Extra]));
        foreach (var epoch in Context.History) text.Append(Row(Values(epoch)));
        AtomicFile.WriteAllText(Path, text.ToString());
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochStats logs) => File.AppendAllText(Path, Row(Values(logs)));

    private static IEnumerable<string> Values(EpochStats e) =>
        [e.Epoch.ToString(CultureInfo.InvariantCulture), .. EpochStats.MetricNames.Select(n => EpochStats.Format(e.Metric(n))),
         EpochStats.Format(e.Seconds), EpochStats.Format(e.ImagesPerSecond)];

    private string Row(IEnumerable<string> fields) => string.Join(separator, fields) + "\n";
}
