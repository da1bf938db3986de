using NativeCnn.Data;
using NativeCnn.Data.Muxspace;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Data;

/// <summary>
/// The muxspace reader's policies on a small temp copy whose legend has every kind of problem,
/// including the ones the real subset lacks (same-label repeats, missing files, unknown labels,
/// malformed rows, corrupt JPEGs).
/// </summary>
[TestFixture]
public sealed class MuxspacePolicyTests
{
    private static string RealImages => Path.Combine(RepositoryPaths.SharedData, "muxspace", "images");

    private string folder = "";
    private string root = "";

    private ReadOptions NoCache => new() { UseCache = false, Height = 32, Width = 32 };

    [SetUp]
    public void BuildCopy()
    {
        folder = TestPaths.NewTempFolder();
        root = Path.Combine(folder, "muxspace");
        string images = Path.Combine(root, "images");
        Directory.CreateDirectory(images);
        string[] real = Directory.GetFiles(RealImages, "*.jpg").Order(StringComparer.Ordinal)
            .Where(p => !p.EndsWith("facial-expressions_2868588k.jpg", StringComparison.Ordinal)).Take(5).ToArray();
        for (int i = 0; i < real.Length; i++)
        {
            File.Copy(real[i], Path.Combine(images, $"img{i}.jpg"));
        }
        File.WriteAllLines(Path.Combine(root, "legend.csv"),
        [
            "user.id,image,emotion",
            "1,img0.jpg,HAPPINESS",   // line 2: upper case, fine
            "1,img0.jpg,happiness",   // line 3: same label again -> duplicate, counted once
            "1,img1.jpg,Contempt",    // line 4: mixed case, fine
            "1,img2.jpg,joy",         // line 5: unknown label
            "1,img3.jpg,fear,extra",  // line 6: four fields -> malformed
            "1,gone.jpg,anger",       // line 7: no such file
            "1,img3.jpg,sadness",     // line 8: fine
        ]);
        // img2 is listed (with an unknown label) so it is not "unlabelled"; img4 has no row at all.
    }

    [TearDown]
    public void RemoveCopy() => TestPaths.DeleteFolder(folder);

    [Test]
    public void EveryPolicyIsAppliedAndReportedWithFileAndLine()
    {
        MuxspaceDataset result = MuxspaceReader.Load(root, NoCache);
        Assert.That(result.Images.SourceFiles, Is.EqualTo(new[] { "img0.jpg", "img1.jpg", "img3.jpg" }));
        Assert.That(result.Images.Labels, Is.EqualTo(new[] { 4, 1, 6 }), "happiness, contempt, sadness");
        MuxspaceReport report = result.Report;
        Assert.That((report.LegendRows, report.ImageFiles, report.Loaded), Is.EqualTo((7, 5, 3)));

        Assert.That(Lines(report, MuxspaceIssueKind.DuplicateRow), Is.EqualTo(new[] { 3 }));
        Assert.That(Lines(report, MuxspaceIssueKind.UnknownLabel), Is.EqualTo(new[] { 5 }));
        Assert.That(Lines(report, MuxspaceIssueKind.MalformedRow), Is.EqualTo(new[] { 6 }));
        Assert.That(Lines(report, MuxspaceIssueKind.MissingImage), Is.EqualTo(new[] { 7 }));
        Assert.That(report.IssuesOf(MuxspaceIssueKind.UnknownLabel)[0].Message, Does.Contain("'joy'"));
        Assert.That(report.IssuesOf(MuxspaceIssueKind.MissingImage)[0].Message, Does.Contain("gone.jpg"));
        Assert.That(report.IssuesOf(MuxspaceIssueKind.UnlabelledImage).Select(i => Path.GetFileName(i.File)), Is.EqualTo(new[] { "img4.jpg" }));
        Assert.That(report.CountOf(MuxspaceIssueKind.ConflictingLabels), Is.Zero);
        Assert.That(report.Issues.Take(4).Select(i => i.Line), Is.Ordered, "legend issues in line order");
    }

    [Test]
    public void CorruptJpegThrowsNamingTheFileOrIsSkippedWhenAsked()
    {
        string bad = Path.Combine(root, "images", "img3.jpg");
        byte[] bytes = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, bytes[..(bytes.Length / 3)]);

        var ex = Assert.Throws<ImageDecodeException>(() => MuxspaceReader.Load(root, NoCache));
        Assert.That(ex!.SourceName, Is.EqualTo(bad));

        MuxspaceDataset skipped = MuxspaceReader.Load(root, NoCache with { SkipBadImages = true });
        Assert.That(skipped.Images.SourceFiles, Is.EqualTo(new[] { "img0.jpg", "img1.jpg" }));
        Assert.That(skipped.Report.IssuesOf(MuxspaceIssueKind.CorruptImage).Select(i => i.File), Is.EqualTo(new[] { bad }));
    }

    [Test]
    public void CachedLoadReportsTheSameIssuesAndAChangedLegendMissesTheCache()
    {
        var options = NoCache with { UseCache = true, CacheDirectory = Path.Combine(folder, "cache"), SkipBadImages = true };
        MuxspaceDataset first = MuxspaceReader.Load(root, options, out LoadReport r1);
        MuxspaceDataset second = MuxspaceReader.Load(root, options, out LoadReport r2);
        Assert.That((r1.FromCache, r2.FromCache), Is.EqualTo((false, true)));
        Assert.That(second.Report.Issues, Is.EqualTo(first.Report.Issues));
        Assert.That(second.Images.Pixels, Is.EqualTo(first.Images.Pixels));

        // Relabel one image without touching any image file: the legend hash must change the key.
        string legend = Path.Combine(root, "legend.csv");
        File.WriteAllText(legend, File.ReadAllText(legend).Replace("img1.jpg,Contempt", "img1.jpg,fear"));
        MuxspaceDataset relabelled = MuxspaceReader.Load(root, options, out LoadReport r3);
        Assert.That(r3.FromCache, Is.False);
        Assert.That(relabelled.Images.Labels[1], Is.EqualTo(3), "fear");
    }

    [Test]
    public void MissingFilesAndBadHeaderAreErrorsNamingThePath()
    {
        File.WriteAllText(Path.Combine(root, "legend.csv"), "image,emotion\nimg0.jpg,anger\n");
        Assert.That(() => MuxspaceReader.Load(root, NoCache),
            Throws.InstanceOf<DatasetException>().With.Message.Contain("legend.csv:1").And.Message.Contain("user.id,image,emotion"));
        File.Delete(Path.Combine(root, "legend.csv"));
        Assert.That(() => MuxspaceReader.Load(root, NoCache),
            Throws.InstanceOf<DatasetException>().With.Message.Contain(root).And.Message.Contain("legend.csv"));
    }

    private static int[] Lines(MuxspaceReport report, MuxspaceIssueKind kind) =>
        report.IssuesOf(kind).Select(i => i.Line).ToArray();
}
