using NativeCnn.Data;
using NativeCnn.Data.Folders;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Tests.Data;

/// <summary>
/// The folder-per-class reader on a small temp tree: two FER-2013 JPEGs under angry/, one JPEG
/// and one PNG (written with ImageSharp's encoder) under happy/, and a stray text file in the root.
/// </summary>
[TestFixture]
public sealed class ImageFolderReaderTests
{
    private string folder = "";
    private string root = "";
    private byte[] pngPixels = [];

    private ReadOptions NoCache => new() { UseCache = false };

    [SetUp]
    public void BuildTree()
    {
        folder = TestPaths.NewTempFolder();
        root = Path.Combine(folder, "tree");
        CopyFer("angry", 2);
        CopyFer("happy", 1);
        // A gradient, so any misplaced or resampled pixel would show.
        pngPixels = Enumerable.Range(0, 48 * 48).Select(i => (byte)((i * 7) % 256)).ToArray();
        TestImages.SaveGrayPng(Path.Combine(root, "happy", "zz_drawn.png"), pngPixels, 48, 48);
        File.WriteAllText(Path.Combine(root, "README.txt"), "not an image");
    }

    [TearDown]
    public void RemoveTree() => TestPaths.DeleteFolder(folder);

    [Test]
    public void ClassesAreSortedSubfoldersAndEveryImageIsLoaded()
    {
        ImageFolderSet result = ImageFolderReader.Load(root, NoCache);
        LabeledImageSet set = result.Images;
        Assert.That(set.ClassNames, Is.EqualTo(new[] { "angry", "happy" }));
        Assert.That(set.Labels, Is.EqualTo(new[] { 0, 0, 1, 1 }));
        Assert.That(set.SourceFiles![3], Is.EqualTo("happy/zz_drawn.png"));
        Assert.That(set.SourceFiles!.Take(2).All(s => s.StartsWith("angry/", StringComparison.Ordinal)), Is.True);
        Assert.That((set.Channels, set.Height, set.Width), Is.EqualTo((1, 48, 48)));
        // The stray root file is reported, not silently dropped.
        Assert.That(result.Issues, Has.Count.EqualTo(1));
        Assert.That(result.Issues[0].File, Does.EndWith("README.txt"));
        Assert.That(result.Issues[0].Message, Does.Contain("not inside a class folder"));
    }

    [Test]
    public void PngAndJpegPixelsAreTheDecodersUnchanged()
    {
        LabeledImageSet set = ImageFolderReader.Load(root, NoCache).Images;
        Assert.That(set.GetImage(3).ToArray(), Is.EqualTo(pngPixels), "a gray PNG round-trips exactly");
        DecodedImage first = new GrayImageDecoder().DecodeFile(Path.Combine(root, set.SourceFiles![0]));
        Assert.That(set.GetImage(0).ToArray(), Is.EqualTo(first.Pixels));
    }

    [Test]
    public void ImagesAreResizedToTheRequestedSize()
    {
        LabeledImageSet set = ImageFolderReader.Load(root, NoCache with { Height = 24, Width = 32 }).Images;
        Assert.That((set.Height, set.Width, set.Count), Is.EqualTo((24, 32, 4)));
        var expected = new byte[24 * 32];
        Resize.Gray(pngPixels, 48, 48, expected, 24, 32);
        Assert.That(set.GetImage(3).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void EmptyClassFolderIsAnErrorNamingIt()
    {
        string empty = Path.Combine(root, "sad");
        Directory.CreateDirectory(empty);
        var ex = Assert.Throws<DatasetException>(() => ImageFolderReader.Load(root, NoCache));
        Assert.That(ex!.Message, Does.Contain(empty).And.Contain("holds no image"));
    }

    [Test]
    public void RootWithoutClassFoldersIsAnError()
    {
        string bare = Path.Combine(folder, "bare");
        Directory.CreateDirectory(bare);
        Assert.That(() => ImageFolderReader.Load(bare, NoCache),
            Throws.InstanceOf<DatasetException>().With.Message.Contain(bare).And.Message.Contain("no class subfolders"));
        string missing = Path.Combine(folder, "missing");
        Assert.That(() => ImageFolderReader.Load(missing, NoCache),
            Throws.InstanceOf<DatasetException>().With.Message.Contain(missing));
    }

    [Test]
    public void CorruptImageThrowsNamingTheFileOrIsSkippedWhenAsked()
    {
        string bad = Path.Combine(root, "angry", "broken.jpg");
        byte[] good = File.ReadAllBytes(Directory.GetFiles(Path.Combine(root, "angry")).Order(StringComparer.Ordinal).First());
        File.WriteAllBytes(bad, good[..(good.Length / 2)]);

        var ex = Assert.Throws<ImageDecodeException>(() => ImageFolderReader.Load(root, NoCache));
        Assert.That(ex!.SourceName, Is.EqualTo(bad));
        Assert.That(ex.Message, Does.Contain("broken.jpg"));

        ImageFolderSet skipped = ImageFolderReader.Load(root, NoCache with { SkipBadImages = true });
        Assert.That(skipped.Images.Count, Is.EqualTo(4));
        Assert.That(skipped.Images.SourceFiles, Does.Not.Contain("angry/broken.jpg"));
        Assert.That(skipped.Issues.Select(i => i.File), Does.Contain(bad));
    }

    [Test]
    public void NonImageFileInAClassFolderIsReportedAndAWebPBehindJpgLoads()
    {
        File.WriteAllText(Path.Combine(root, "happy", "notes.txt"), "x");
        ImageFolderSet result = ImageFolderReader.Load(root, NoCache);
        Assert.That(result.Issues.Select(i => Path.GetFileName(i.File)), Is.EquivalentTo(new[] { "README.txt", "notes.txt" }));

        string webp = Path.Combine(root, "happy", "fake.jpg");
        File.Copy(Path.Combine(RepositoryPathsMuxspaceImages, "facial-expressions_2868588k.jpg"), webp);
        LabeledImageSet set = ImageFolderReader.Load(root, NoCache).Images;
        int index = set.SourceFiles!.ToList().IndexOf("happy/fake.jpg");
        Assert.That(index, Is.GreaterThanOrEqualTo(0), "the format is read from the content, not the name");
        DecodedImage decoded = new GrayImageDecoder().DecodeFile(webp);
        var expected = new byte[48 * 48];
        Resize.Gray(decoded.Pixels, decoded.Height, decoded.Width, expected, 48, 48);
        Assert.That(set.GetImage(index).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void SecondLoadComesFromTheCache()
    {
        var options = new ReadOptions { CacheDirectory = Path.Combine(folder, "cache") };
        ImageFolderSet first = ImageFolderReader.Load(root, options, out LoadReport r1);
        ImageFolderSet second = ImageFolderReader.Load(root, options, out LoadReport r2);
        Assert.That((r1.FromCache, r2.FromCache), Is.EqualTo((false, true)));
        Assert.That(second.Images.Pixels, Is.EqualTo(first.Images.Pixels));
        Assert.That(second.Images.ClassNames, Is.EqualTo(first.Images.ClassNames));
        Assert.That(second.Issues, Is.EqualTo(first.Issues));
    }

    private static string RepositoryPathsMuxspaceImages =>
        Path.Combine(NativeCnn.Tests.Support.RepositoryPaths.SharedData, "muxspace", "images");

    private void CopyFer(string emotion, int count)
    {
        string target = Path.Combine(root, emotion);
        Directory.CreateDirectory(target);
        foreach (string source in Directory.GetFiles(Path.Combine(TestPaths.Fer2013Folder, "train", emotion))
                     .Order(StringComparer.Ordinal).Take(count))
        {
            File.Copy(source, Path.Combine(target, Path.GetFileName(source)));
        }
    }
}
