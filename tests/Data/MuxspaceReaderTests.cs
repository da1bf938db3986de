using NativeCnn.Data;
using NativeCnn.Data.Imaging;
using NativeCnn.Data.Muxspace;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Data;

/// <summary>The muxspace reader on the real, read-only folder (decoded once per run, then loaded again from the cache).</summary>
[TestFixture]
public sealed class MuxspaceReaderTests
{
    private const int Size = 64;
    private const string WebPFile = "facial-expressions_2868588k.jpg";
    private const string ConflictFile = "Avinash_30.jpg";

    private static string Root => Path.Combine(RepositoryPaths.SharedData, "muxspace");

    private string cacheFolder = "";
    private MuxspaceDataset fresh = null!;
    private MuxspaceDataset cached = null!;
    private LoadReport freshLoad = null!;
    private LoadReport cachedLoad = null!;

    [OneTimeSetUp]
    public void LoadTwice()
    {
        cacheFolder = TestPaths.NewTempFolder();
        var options = new ReadOptions { Height = Size, Width = Size, CacheDirectory = cacheFolder };
        fresh = MuxspaceReader.Load(Root, options, out freshLoad);
        cached = MuxspaceReader.Load(Root, options, out cachedLoad);
        TestContext.Progress.WriteLine(
            $"{fresh.Report}; first load {freshLoad.Elapsed.TotalSeconds:F2} s, cached load {cachedLoad.Elapsed.TotalSeconds:F3} s");
    }

    [OneTimeTearDown]
    public void DeleteCache() => TestPaths.DeleteFolder(cacheFolder);

    [Test]
    public void CountsPerClassFollowTheDocumentedPolicies()
    {
        // README row counts (lower-cased): anger 177, contempt 6, disgust 146, fear 15,
        // happiness 1500, neutral 1500, sadness 188, surprise 258 = 3790 rows.
        // - The WebP file named .jpg (facial-expressions_2868588k.jpg, anger) is decoded like the rest.
        // - Avinash_30.jpg is listed as surprise and as sadness and is dropped:
        //   surprise 258 - 1 = 257, sadness 188 - 1 = 187.
        // - No other image is listed twice, so no same-label duplicate is removed.
        // Total 3790 - 2 = 3788 images.
        Assert.That(fresh.Images.ClassNames, Is.EqualTo(MuxspaceClasses.Names));
        Assert.That(fresh.Images.ClassNames,
            Is.EqualTo(new[] { "anger", "contempt", "disgust", "fear", "happiness", "neutral", "sadness", "surprise" }));
        Assert.That(fresh.Images.CountPerClass(), Is.EqualTo(new[] { 177, 6, 146, 15, 1500, 1500, 187, 257 }));
        Assert.That(fresh.Images.Count, Is.EqualTo(3788));
        Assert.That(fresh.Report.Loaded, Is.EqualTo(3788));
        Assert.That(fresh.Report.LegendRows, Is.EqualTo(3790));
        Assert.That(fresh.Report.ImageFiles, Is.EqualTo(3825));
    }

    [Test]
    public void WebPFileNamedJpgIsLoadedAndReported()
    {
        IReadOnlyList<DatasetIssue> misnamed = fresh.Report.IssuesOf(MuxspaceIssueKind.MisnamedFormat);
        Assert.That(misnamed, Has.Count.EqualTo(1));
        Assert.That(Path.GetFileName(misnamed[0].File), Is.EqualTo(WebPFile));
        Assert.That(misnamed[0].Message, Does.Contain("holds WebP data").And.Contain(".jpg name"));
        Assert.That(fresh.Images.SourceFiles, Does.Contain(WebPFile));
        Assert.That(cached.Report.IssuesOf(MuxspaceIssueKind.MisnamedFormat), Is.EqualTo(misnamed), "a cached load says so too");
        Assert.That(fresh.Report.ToString(), Does.Contain("MisnamedFormat 1"));
    }

    [Test]
    public void ConflictingLabelsDropTheImageAndAreReported()
    {
        IReadOnlyList<DatasetIssue> conflicts = fresh.Report.IssuesOf(MuxspaceIssueKind.ConflictingLabels);
        Assert.That(conflicts, Has.Count.EqualTo(1));
        Assert.That(conflicts[0].Message, Does.Contain(ConflictFile).And.Contain("surprise").And.Contain("sadness"));
        Assert.That(conflicts[0].File, Does.EndWith("legend.csv"));
        Assert.That(conflicts[0].Line, Is.GreaterThan(1));
        Assert.That(fresh.Images.SourceFiles, Does.Not.Contain(ConflictFile));
    }

    [Test]
    public void UnlabelledImagesAreCountedNotLoaded()
    {
        // 3825 files - 3789 distinct images named in the legend = 36 files without a row.
        IReadOnlyList<DatasetIssue> unlabelled = fresh.Report.IssuesOf(MuxspaceIssueKind.UnlabelledImage);
        Assert.That(unlabelled, Has.Count.EqualTo(36));
        var loaded = fresh.Images.SourceFiles!.ToHashSet();
        Assert.That(unlabelled.Select(i => Path.GetFileName(i.File)).Where(loaded.Contains), Is.Empty);
    }

    [Test]
    public void NoOtherIssueKindsOccurInTheRealData()
    {
        foreach (MuxspaceIssueKind kind in new[] { MuxspaceIssueKind.MalformedRow, MuxspaceIssueKind.UnknownLabel,
            MuxspaceIssueKind.DuplicateRow, MuxspaceIssueKind.MissingImage, MuxspaceIssueKind.CorruptImage, MuxspaceIssueKind.UnsupportedFormat })
        {
            Assert.That(fresh.Report.CountOf(kind), Is.Zero, kind.ToString());
        }
        Assert.That(fresh.Report.Issues, Has.Count.EqualTo(1 + 1 + 36));
        Assert.That(fresh.Report.ToString(), Does.Contain("3788 images loaded").And.Contain("UnlabelledImage 36"));
    }

    [Test]
    public void UpperCaseLabelsMapToTheSameClass()
    {
        // Read the legend independently and check an upper-case row and a lower-case row.
        string[] lines = File.ReadAllLines(Path.Combine(Root, "legend.csv"));
        string upper = lines.Skip(1).Select(l => l.Split(',')).First(f => f[2] == "HAPPINESS")[1];
        string lower = lines.Skip(1).Select(l => l.Split(',')).First(f => f[2] == "happiness")[1];
        var index = fresh.Images.SourceFiles!.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        int happiness = MuxspaceClasses.ClassIndex("happiness");
        Assert.That(fresh.Images.Labels[index[upper]], Is.EqualTo(happiness));
        Assert.That(fresh.Images.Labels[index[lower]], Is.EqualTo(happiness));
    }

    [Test]
    public void ShapeIsAsRequestedAndPixelsLookLikePhotos()
    {
        LabeledImageSet set = fresh.Images;
        Assert.That((set.Channels, set.Height, set.Width), Is.EqualTo((1, Size, Size)));
        Assert.That(set.Pixels, Has.Length.EqualTo(set.Count * Size * Size));
        Assert.That(set.Pixels.Average(p => (double)p), Is.InRange(0.2 * 255, 0.8 * 255));
        Assert.That(set.Pixels.Distinct().Count(), Is.EqualTo(256), "photos use the whole range");
        Assert.That(set.SourceFiles, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public void AColourImageIsItsGrayDecodeResized()
    {
        // A labelled colour JPEG of a size other than 350x350.
        var decoder = new GrayImageDecoder();
        string name = fresh.Images.SourceFiles!.First(n => n.StartsWith("Avinash_", StringComparison.Ordinal));
        DecodedImage gray = decoder.DecodeFile(Path.Combine(Root, "images", name));
        Assert.That(gray.Width, Is.Not.EqualTo(350).And.GreaterThan(Size), "the README promises ~900 images of other sizes");
        var expected = new byte[Size * Size];
        Resize.Gray(gray.Pixels, gray.Height, gray.Width, expected, Size, Size);
        int index = fresh.Images.SourceFiles!.ToList().IndexOf(name);
        Assert.That(fresh.Images.GetImage(index).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void SecondLoadComesFromTheCacheAndIsIdentical()
    {
        Assert.That((freshLoad.FromCache, cachedLoad.FromCache), Is.EqualTo((false, true)));
        Assert.That(cachedLoad.CacheFile, Is.EqualTo(freshLoad.CacheFile).And.Not.Null);
        Assert.That(cached.Images.Pixels, Is.EqualTo(fresh.Images.Pixels));
        Assert.That(cached.Images.Labels, Is.EqualTo(fresh.Images.Labels));
        Assert.That(cached.Images.SourceFiles, Is.EqualTo(fresh.Images.SourceFiles));
        Assert.That(cached.Report.Issues, Is.EqualTo(fresh.Report.Issues));
        Assert.That(cachedLoad.Elapsed, Is.LessThan(freshLoad.Elapsed));
    }
}
