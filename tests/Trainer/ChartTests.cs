using NativeCnn.Trainer.Reports;
using NativeCnn.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeCnn.Tests.Trainer;

/// <summary>The run report's charts: written as PNG and SVG, text drawn in the embedded font, full class names, percent axis.</summary>
public class ChartTests
{
    private static readonly string[] Classes = ["angry", "disgust", "fear", "happy", "sad", "überrascht", "neutral"];

    private string _folder = "";

    [SetUp]
    public void MakeFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), "nativecnn-charts-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Charts_use_the_embedded_font_whatever_the_machine_has()
    {
        ChartFont.Use();
        Assert.That(ScottPlot.Fonts.Default, Is.EqualTo("DejaVu Sans"));
        Assert.That(ChartFont.Typeface.FamilyName, Is.EqualTo("DejaVu Sans"));
        Assert.That(ChartFont.Typeface.GlyphCount, Is.GreaterThan(5000), "the full DejaVu Sans, Latin, Greek and Cyrillic");
        Assert.That(ScottPlot.Fonts.GetTypeface("DejaVu Sans", bold: true, italic: false), Is.SameAs(ChartFont.Typeface),
            "ScottPlot gets the embedded typeface, not one looked up on the system");
    }

    [Test]
    public void A_run_report_writes_both_charts_as_png_and_svg_with_legible_text()
    {
        var random = new Random(3);
        var history = Enumerable.Range(1, 9).Select(e => new EpochStats(e, 1.9 - 0.1 * e + 0.01 * random.NextDouble(), 0.3 + 0.04 * e,
            1.6 - 0.05 * e, 0.35 + 0.03 * e, 10, 500, e < 6 ? 1e-3 : 5e-4)).ToList();
        long[][] confusion = Enumerable.Range(0, 7).Select(i => Enumerable.Range(0, 7).Select(j => (long)(i == j ? 40 + 7 * i : (i + j) % 5)).ToArray()).ToArray();
        var final = new EvaluationReport("private-test", "model.safetensors", confusion.Sum(r => r.Sum()), 1.1, 0.61, 0.58, 0.57,
            Classes.Select(c => new ClassReport(c, 0.6, 0.6, 0.6, 50)).ToList(), confusion);

        RunReport.Write(_folder, new RunReport.Settings("seed001-shallow", "fer2013", "cpu", "test machine", "adam", "public-test"), history, 7, final);

        foreach (string file in new[] { "training_curves.png", "training_curves.svg", "confusion_matrix.png", "confusion_matrix.svg", "report.md" })
            Assert.That(File.Exists(Path.Combine(_folder, file)), Is.True, file);
        string[] curves = Texts(Path.Combine(_folder, "training_curves.svg"));
        Assert.That(curves, Is.SupersetOf(new[] { "Loss", "Accuracy", "Learning rate", "best epoch (7)", "train", "public-test", "epoch" }));
        Assert.That(curves, Does.Contain("0 %").And.Contain("100 %"), "the accuracy axis runs from 0 to 100 %");
        Assert.That(curves, Does.Contain("0.0005").And.Contain("0.001"), "rounded learning-rate ticks");
        string[] matrix = Texts(Path.Combine(_folder, "confusion_matrix.svg"));
        Assert.That(matrix, Is.SupersetOf(Classes), "full class names, non-ASCII included");
        Assert.That(matrix, Is.SupersetOf(new[] { "predicted class", "true class", "share of the true class (%)", "private-test: accuracy 61.00 %" }));
        Assert.That(matrix, Does.Contain("61").And.Contain("79.2 %"), "happy's count and its share of the row (61 of 77)");

        // Text really is drawn: the title band above the plots holds dark anti-aliased glyph pixels.
        using var png = Image.Load<Rgba32>(Path.Combine(_folder, "training_curves.png"));
        Assert.That((png.Width, png.Height), Is.EqualTo((1650, 500)));
        int dark = 0;
        png.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < 30; y++)
                foreach (Rgba32 p in rows.GetRowSpan(y))
                    dark += p.R + p.G + p.B < 200 ? 1 : 0;
        });
        Assert.That(dark, Is.GreaterThan(100), "the three panel titles");
    }

    /// <summary>The text of every &lt;text&gt; element of an SVG, trimmed; a two-line label gives one entry per line.</summary>
    private static string[] Texts(string svg) =>
        System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(svg), @"<text[^>]*>(.*?)</text>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .SelectMany(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value).Split('\n'))
            .Select(t => t.Trim()).Where(t => t.Length > 0).ToArray();
}
