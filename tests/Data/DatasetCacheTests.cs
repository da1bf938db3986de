using NativeCnn.Data;
using NativeCnn.Data.Caching;
using NativeCnn.Data.Fer2013;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class DatasetCacheTests
{
    private FerFixture fixture = null!;

    private ReadOptions Cached => new() { CacheDirectory = fixture.CacheFolder };

    [SetUp]
    public void BuildFixture() => fixture = new FerFixture();

    [TearDown]
    public void RemoveFixture() => fixture.Dispose();

    [Test]
    public void SecondLoadComesFromTheCacheAndIsIdentical()
    {
        Fer2013Splits first = Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r1);
        Fer2013Splits second = Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r2);
        Assert.That((r1.FromCache, r2.FromCache), Is.EqualTo((false, true)));
        Assert.That(r2.CacheFile, Is.EqualTo(r1.CacheFile));
        Assert.That(second.Train.Pixels, Is.EqualTo(first.Train.Pixels));
        Assert.That(second.PrivateTest.Labels, Is.EqualTo(first.PrivateTest.Labels));
        Assert.That(Directory.GetFiles(fixture.CacheFolder, "*.tmp"), Is.Empty, "no temporary file left behind");
    }

    [TestCase(0.5, TestName = "TruncatedCacheIsRebuilt")]
    [TestCase(-1.0, TestName = "FlippedByteInCacheIsRebuilt")]
    public void DamagedCacheIsDetectedAndRebuilt(double keepFraction)
    {
        Fer2013Splits original = Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r1);
        string cacheFile = r1.CacheFile!;
        byte[] bytes = File.ReadAllBytes(cacheFile);
        if (keepFraction > 0)
        {
            File.WriteAllBytes(cacheFile, bytes[..(int)(bytes.Length * keepFraction)]);
        }
        else
        {
            bytes[bytes.Length - 100] ^= 0x40; // inside the label/pixel payload
            File.WriteAllBytes(cacheFile, bytes);
        }

        Fer2013Splits rebuilt = Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r2);
        Assert.That(r2.FromCache, Is.False);
        Assert.That(r2.CacheRejectReason, Does.Contain(keepFraction > 0 ? "truncated" : "checksum"));
        Assert.That(rebuilt.Train.Pixels, Is.EqualTo(original.Train.Pixels));

        Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r3);
        Assert.That(r3.FromCache, Is.True, "the rebuilt file is valid");
    }

    [Test]
    public void GarbageFileUnderTheCacheNameIsRejected()
    {
        Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r1);
        File.WriteAllText(r1.CacheFile!, "this is not a cache file at all, but it is long enough to have a header.........");
        Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r2);
        Assert.That(r2.FromCache, Is.False);
        Assert.That(r2.CacheRejectReason, Does.Contain("magic"));
    }

    [Test]
    public void AddingAFileChangesTheKey()
    {
        Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r1);
        File.Copy(fixture.FileIn("train", "angry"), Path.Combine(fixture.Root, "train", "angry", "Training_99999999.jpg"));
        Fer2013Splits grown = Fer2013FolderReader.Load(fixture.Root, Cached, out LoadReport r2);
        Assert.That(r2.FromCache, Is.False);
        Assert.That(r2.CacheFile, Is.Not.EqualTo(r1.CacheFile));
        Assert.That(grown.Train.Count, Is.EqualTo(8));
    }

    [Test]
    public void KeyDependsOnListingAndPreprocessingButNotOrder()
    {
        var t = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        SourceFileEntry a = new("train/a.jpg", 10, t), b = new("train/b.jpg", 20, t);
        string key = DatasetCache.ComputeKey("k/1", [a, b], "48x48");
        Assert.That(key, Has.Length.EqualTo(64));
        Assert.That(DatasetCache.ComputeKey("k/1", [b, a], "48x48"), Is.EqualTo(key));
        Assert.That(DatasetCache.ComputeKey("k/1", [a, b], "64x64"), Is.Not.EqualTo(key));
        Assert.That(DatasetCache.ComputeKey("k/1", [a, b with { Length = 21 }], "48x48"), Is.Not.EqualTo(key));
        Assert.That(DatasetCache.ComputeKey("k/1", [a, b with { LastWriteTimeUtc = t.AddSeconds(1) }], "48x48"), Is.Not.EqualTo(key));
        Assert.That(DatasetCache.ComputeKey("k/1", [a], "48x48"), Is.Not.EqualTo(key));
    }

    [Test]
    public void PixelsIssuesAndMissingSourcesSurviveTheCache()
    {
        var cache = new DatasetCache(fixture.CacheFolder);
        byte[] pixels = [0, 17, 128, 200, 254, 255];
        var set = new LabeledImageSet(pixels, [0, 1], 1, 1, 3, ["a", "b"]);
        DatasetIssue issue = new("x.csv", 3, "bad row");
        string key = DatasetCache.ComputeKey("test/1", [], "bytes");
        string file = cache.Store("bytes", key, new CachedDataset([set], [issue]));
        Assert.That(new FileInfo(file).Length, Is.LessThan(200), "one byte a pixel");

        CachedDataset? back = cache.TryLoad("bytes", key, out string? reason);
        Assert.That(reason, Is.Null);
        Assert.That(back, Is.Not.Null);
        Assert.That(back!.Sets[0].Pixels, Is.EqualTo(pixels));
        Assert.That(back.Sets[0].SourceFiles, Is.Null);
        Assert.That(back.Issues, Is.EqualTo(new[] { issue }));
    }

    [Test]
    public void StoreKeepsOnlyTheMostRecentlyUsedFilesOfItsName()
    {
        var cache = new DatasetCache(fixture.CacheFolder);
        var data = new CachedDataset([new LabeledImageSet([128, 64], [0, 1], 1, 1, 1, ["a", "b"])], []);
        string[] keys = Enumerable.Range(0, 4).Select(i => DatasetCache.ComputeKey("test/1", [], $"p{i}")).ToArray();
        string other = cache.Store("fer2013-other", keys[0], data);
        string[] files = keys[..3].Select(k => cache.Store("fer2013", k, data)).ToArray();
        DateTime now = DateTime.UtcNow;
        for (int i = 0; i < 3; i++)
        {
            File.SetLastWriteTimeUtc(files[i], now.AddHours(i - 10));
        }
        string staleTemp = files[1] + ".1234.0123456789abcdef.tmp";
        string freshTemp = files[1] + ".5678.0123456789abcdef.tmp";
        File.WriteAllText(staleTemp, "killed writer");
        File.WriteAllText(freshTemp, "writer still running");
        File.SetLastWriteTimeUtc(staleTemp, now.AddHours(-2));

        // Loading the oldest file makes it the most recently used one.
        Assert.That(cache.TryLoad("fer2013", keys[0], out _), Is.Not.Null);
        string newest = cache.Store("fer2013", keys[3], data);

        Assert.That(File.Exists(newest) && File.Exists(files[0]) && File.Exists(files[2]), Is.True, "the new file and the two most recently used stay");
        Assert.That(File.Exists(files[1]), Is.False, "the least recently used key is deleted");
        Assert.That(File.Exists(other), Is.True, "another dataset name (even one sharing the prefix) is left alone");
        Assert.That(File.Exists(staleTemp), Is.False, "an hour-old temporary file is a killed writer's");
        Assert.That(File.Exists(freshTemp), Is.True, "a recent temporary file may belong to a running writer");
        Assert.That(cache.TryLoad("fer2013", keys[1], out _), Is.Null);
    }

    [Test]
    public void UnwritableCacheDoesNotFailTheLoad()
    {
        string notAFolder = Path.Combine(fixture.Folder, "file-in-the-way");
        File.WriteAllText(notAFolder, "x");
        Fer2013Splits splits = Fer2013FolderReader.Load(fixture.Root, new ReadOptions { CacheDirectory = notAFolder }, out LoadReport report);
        Assert.That(splits.Train.Count, Is.EqualTo(7));
        Assert.That(report.CacheFile, Is.Null);
        Assert.That(report.CacheWriteError, Does.Contain(notAFolder));
    }

    [Test]
    public void ResultDoesNotDependOnThreadCount()
    {
        Fer2013Splits one = Fer2013FolderReader.Load(fixture.Root, new ReadOptions { UseCache = false, MaxDegreeOfParallelism = 1 });
        Fer2013Splits two = Fer2013FolderReader.Load(fixture.Root, new ReadOptions { UseCache = false, MaxDegreeOfParallelism = 2 });
        Assert.That(two.Train.Pixels, Is.EqualTo(one.Train.Pixels));
        Assert.That(two.PublicTest.SourceFiles, Is.EqualTo(one.PublicTest.SourceFiles));
        Assert.That(two.PrivateTest.Labels, Is.EqualTo(one.PrivateTest.Labels));
    }
}
