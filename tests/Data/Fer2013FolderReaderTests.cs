using System.Diagnostics;
using NativeCnn.Data;
using NativeCnn.Data.Fer2013;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

/// <summary>The folder reader on the real, full FER-2013 tree (decoded once per test run).</summary>
[TestFixture]
public sealed class Fer2013FolderReaderTests
{
    private string cacheFolder = "";
    private Fer2013Splits fresh = null!;
    private Fer2013Splits cached = null!;
    private LoadReport freshReport = null!;
    private LoadReport cachedReport = null!;

    [OneTimeSetUp]
    public void LoadTwice()
    {
        cacheFolder = TestPaths.NewTempFolder();
        var options = new ReadOptions { CacheDirectory = cacheFolder, UseCache = true };
        fresh = Fer2013FolderReader.Load(TestPaths.Fer2013Folder, options, out freshReport);
        cached = Fer2013FolderReader.Load(TestPaths.Fer2013Folder, options, out cachedReport);
        TestContext.Progress.WriteLine(
            $"FER-2013 folder: first load (decode {freshReport.SourceFiles} JPEGs + write cache) {freshReport.Elapsed.TotalSeconds:F2} s, " +
            $"cached load {cachedReport.Elapsed.TotalSeconds:F2} s");
    }

    [OneTimeTearDown]
    public void DeleteCache() => TestPaths.DeleteFolder(cacheFolder);

    [Test]
    public void CountsPerSplitAndClassMatchTheDatasetReadme()
    {
        Assert.That(fresh.Train.CountPerClass(), Is.EqualTo(new[] { 3995, 436, 4097, 7215, 4830, 3171, 4965 }));
        Assert.That(fresh.PublicTest.CountPerClass(), Is.EqualTo(new[] { 467, 56, 496, 895, 653, 415, 607 }));
        Assert.That(fresh.PrivateTest.CountPerClass(), Is.EqualTo(new[] { 491, 55, 528, 879, 594, 416, 626 }));
        Assert.That(fresh.Train.Count + fresh.PublicTest.Count + fresh.PrivateTest.Count, Is.EqualTo(35_887));
        Assert.That(fresh.Issues, Is.Empty);
    }

    [Test]
    public void ShapeAndClassNamesAreFer2013s()
    {
        foreach (LabeledImageSet set in new[] { fresh.Train, fresh.PublicTest, fresh.PrivateTest })
        {
            Assert.That((set.Channels, set.Height, set.Width), Is.EqualTo((1, 48, 48)));
            Assert.That(set.Pixels, Has.Length.EqualTo(set.Count * 48 * 48));
            Assert.That(set.ClassNames, Is.EqualTo(new[] { "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral" }));
            Assert.That(set.SourceFiles, Is.Not.Null.And.Count.EqualTo(set.Count));
        }
    }

    [Test]
    public void SplitComesFromTheFileNamePrefix()
    {
        Assert.That(fresh.Train.SourceFiles!.All(f => f.StartsWith("train/", StringComparison.Ordinal) && f.Contains("/Training_")), Is.True);
        Assert.That(fresh.PublicTest.SourceFiles!.All(f => f.Contains("/PublicTest_")), Is.True);
        Assert.That(fresh.PrivateTest.SourceFiles!.All(f => f.Contains("/PrivateTest_")), Is.True);
        Assert.That(fresh.Train.SourceFiles, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public void PixelsSpanTheRangeWithAMidGreyMean()
    {
        Assert.That(fresh.Train.Pixels.Max(), Is.EqualTo(255));
        double mean = fresh.Train.Pixels.Average(p => (double)p);
        Assert.That(mean, Is.InRange(0.3 * 255, 0.7 * 255), "FER-2013 mean intensity is about 0.5");
    }

    [Test]
    public void PixelsMatchAnIndependentDecodeOfOneFile()
    {
        int index = 1234;
        string relative = fresh.Train.SourceFiles![index];
        var image = new NativeCnn.Data.Imaging.GrayImageDecoder().DecodeFile(Path.Combine(TestPaths.Fer2013Folder, relative));
        Assert.That(fresh.Train.GetImage(index).ToArray(), Is.EqualTo(image.Pixels));
    }

    [Test]
    public void CachedLoadEqualsFreshLoadExactly()
    {
        Assert.That(freshReport.FromCache, Is.False);
        Assert.That(cachedReport.FromCache, Is.True);
        Assert.That(File.Exists(cachedReport.CacheFile), Is.True);
        foreach (var (a, b) in new[] { (fresh.Train, cached.Train), (fresh.PublicTest, cached.PublicTest), (fresh.PrivateTest, cached.PrivateTest) })
        {
            Assert.That(b.Labels, Is.EqualTo(a.Labels));
            Assert.That(b.SourceFiles, Is.EqualTo(a.SourceFiles));
            Assert.That(b.ClassNames, Is.EqualTo(a.ClassNames));
            Assert.That(b.Pixels.AsSpan().SequenceEqual(a.Pixels), Is.True, "pixels must survive the cache bit for bit");
        }
    }

    [Test]
    public void CachedLoadIsFast()
    {
        // Drop earlier tests' garbage so the timing is of the load, not of a collection it triggers.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var clock = Stopwatch.StartNew();
        Fer2013FolderReader.Load(TestPaths.Fer2013Folder, new ReadOptions { CacheDirectory = cacheFolder }, out LoadReport report);
        double seconds = clock.Elapsed.TotalSeconds;
        TestContext.Progress.WriteLine($"FER-2013 folder: cached load after GC {seconds:F2} s");
        Assert.That(report.FromCache, Is.True);
        // About 0.4 s in a Release build on a quiet machine; tests run unoptimised Debug code on
        // a shared 2-core box, so the bound is loose. It still catches a cache that re-decodes or
        // re-verifies far more than it should.
        Assert.That(seconds, Is.LessThan(5.0));
    }

    [Test]
    public void StratifiedSampleIsBalancedAndReproducible()
    {
        int[] a = fresh.PublicTest.StratifiedIndices(5, seed: 7);
        int[] b = fresh.PublicTest.StratifiedIndices(5, seed: 7);
        int[] c = fresh.PublicTest.StratifiedIndices(5, seed: 8);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a, Is.Ordered.And.Unique);
        LabeledImageSet sample = fresh.PublicTest.StratifiedSample(5, seed: 7);
        Assert.That(sample.CountPerClass(), Is.EqualTo(Enumerable.Repeat(5, 7).ToArray()));
        Assert.That(sample.GetImage(0).ToArray(), Is.EqualTo(fresh.PublicTest.GetImage(a[0]).ToArray()));
    }
}
