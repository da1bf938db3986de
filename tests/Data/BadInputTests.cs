using NativeCnn.Data;
using NativeCnn.Data.Imaging;
using NativeCnn.Data.Fer2013;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

/// <summary>Every kind of broken input fails with a message that names the file and the problem.</summary>
[TestFixture]
public sealed class BadInputTests
{
    private FerFixture fixture = null!;

    private static ReadOptions NoCache => new() { UseCache = false };

    [SetUp]
    public void BuildFixture() => fixture = new FerFixture();

    [TearDown]
    public void RemoveFixture() => fixture.Dispose();

    [Test]
    public void IntactFixtureLoads()
    {
        Fer2013Splits splits = Fer2013FolderReader.Load(fixture.Root, NoCache);
        Assert.That(splits.Train.CountPerClass(), Is.EqualTo(Enumerable.Repeat(1, 7).ToArray()));
        Assert.That(splits.PublicTest.Count, Is.EqualTo(7));
        Assert.That(splits.PrivateTest.Count, Is.EqualTo(7));
    }

    [Test]
    public void MissingRootFolder()
    {
        string missing = Path.Combine(fixture.Folder, "nope");
        var ex = Assert.Throws<DatasetException>(() => Fer2013FolderReader.Load(missing, NoCache));
        Assert.That(ex!.Message, Does.Contain(missing).And.Contain("does not exist"));
    }

    [Test]
    public void MissingTestFolder()
    {
        Directory.Delete(Path.Combine(fixture.Root, "test"), recursive: true);
        var ex = Assert.Throws<DatasetException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache));
        Assert.That(ex!.Message, Does.Contain(fixture.Root).And.Contain("no 'test' folder"));
    }

    [Test]
    public void CorruptJpegOfRandomBytes()
    {
        string target = fixture.FileIn("train", "fear");
        var random = new Random(42);
        var junk = new byte[1500];
        random.NextBytes(junk);
        File.WriteAllBytes(target, junk);
        var ex = Assert.Throws<ImageDecodeException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache));
        Assert.That(ex!.Message, Does.Contain(target));
        Assert.That(ex.CodecMessage, Is.Not.Empty);
        TestContext.Out.WriteLine(ex.Message);
    }

    [Test]
    public void TruncatedJpegIsAnErrorNotInventedPixels()
    {
        string target = fixture.FileIn("test", "sad");
        byte[] bytes = File.ReadAllBytes(target);
        File.WriteAllBytes(target, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<ImageDecodeException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache));
        Assert.That(ex!.Message, Does.Contain(target));
        TestContext.Out.WriteLine(ex.Message);
    }

    [Test]
    public void EmptyJpeg()
    {
        string target = fixture.FileIn("train", "happy");
        File.WriteAllBytes(target, []);
        var ex = Assert.Throws<ImageDecodeException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache));
        Assert.That(ex!.Message, Does.Contain(target).And.Contain("empty"));
    }

    [Test]
    public void SkipBadImagesReportsInsteadOfThrowing()
    {
        string target = fixture.FileIn("train", "happy");
        File.WriteAllBytes(target, []);
        Fer2013Splits splits = Fer2013FolderReader.Load(fixture.Root, NoCache with { SkipBadImages = true });
        Assert.That(splits.Train.Count, Is.EqualTo(6));
        Assert.That(splits.Train.CountPerClass()[3], Is.Zero);
        Assert.That(splits.Issues, Has.Count.EqualTo(1));
        Assert.That(splits.Issues[0].File, Is.EqualTo(target));
        Assert.That(splits.Issues[0].Message, Does.Contain("empty"));
    }

    [Test]
    public void UnknownEmotionFolder()
    {
        string odd = Path.Combine(fixture.Root, "train", "contempt");
        Directory.CreateDirectory(odd);
        File.Copy(fixture.FileIn("train", "angry"), Path.Combine(odd, "Training_1.jpg"));
        var ex = Assert.Throws<DatasetException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache));
        Assert.That(ex!.Message, Does.Contain(odd).And.Contain("Unknown emotion folder"));
    }

    [Test]
    public void EmptyClassFolder()
    {
        string folder = Path.Combine(fixture.Root, "test", "disgust");
        foreach (string file in Directory.GetFiles(folder))
        {
            File.Delete(file);
        }
        var ex = Assert.Throws<DatasetException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache));
        Assert.That(ex!.Message, Does.Contain(folder).And.Contain("is empty"));
    }

    [Test]
    public void FileNameWithoutKnownUsagePrefix()
    {
        string bad = Path.Combine(fixture.Root, "train", "sad", "Validation_123.jpg");
        File.Copy(fixture.FileIn("train", "sad"), bad);
        var ex = Assert.Throws<DatasetException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache));
        Assert.That(ex!.Message, Does.Contain(bad).And.Contain("Training, PublicTest, PrivateTest"));
    }

    [Test]
    public void WrongImageSizeWhenSizeIsFixed()
    {
        var ex = Assert.Throws<DatasetException>(() => Fer2013FolderReader.Load(fixture.Root, NoCache with { Height = 32, Width = 32 }));
        Assert.That(ex!.Message, Does.Contain("is 48x48, but every image of this data set is 32x32").And.Contain(fixture.Root)
            .And.Not.Contain("AllowResize"), "names no setting a user of the command line cannot set");
    }

    [Test]
    public void ResizeOnRequest()
    {
        Fer2013Splits splits = Fer2013FolderReader.Load(fixture.Root, NoCache with { Height = 24, Width = 24, AllowResize = true });
        Assert.That((splits.Train.Height, splits.Train.Width), Is.EqualTo((24, 24)));
        Assert.That(splits.Train.Pixels, Has.Length.EqualTo(7 * 24 * 24));
        Assert.That(splits.Train.GetImage(0).ToArray().Distinct().Count(), Is.GreaterThan(20), "a face, not a flat fill");
    }

    [Test]
    public void CsvWithWrongPixelCount()
    {
        string csv = Path.Combine(fixture.Folder, "bad.csv");
        string good = string.Join(' ', Enumerable.Repeat("128", 2304));
        string shortRow = string.Join(' ', Enumerable.Repeat("7", 2303));
        File.WriteAllLines(csv, ["emotion,pixels,Usage", $"3,{good},Training", $"5,{shortRow},PublicTest", $"1,{good},PrivateTest"]);

        Fer2013Splits splits = Fer2013CsvReader.Load(csv);
        Assert.That((splits.Train.Count, splits.PublicTest.Count, splits.PrivateTest.Count), Is.EqualTo((1, 0, 1)));
        Assert.That(splits.Issues, Has.Count.EqualTo(1));
        Assert.That(splits.Issues[0].ToString(), Does.Contain($"{csv}:3: expected 2304 pixel values, found 2303"));

        var ex = Assert.Throws<DatasetException>(() => Fer2013CsvReader.Load(csv, strict: true));
        Assert.That(ex!.Message, Does.Contain($"{csv}:3").And.Contain("found 2303"));
    }

    [Test]
    public void CsvWithBadValues()
    {
        string csv = Path.Combine(fixture.Folder, "values.csv");
        string good = string.Join(' ', Enumerable.Repeat("1", 2304));
        string outOfRange = "300 " + string.Join(' ', Enumerable.Repeat("1", 2303));
        File.WriteAllLines(csv, ["emotion,pixels,Usage", $"9,{good},Training", $"2,{outOfRange},Training", $"2,{good},Validation"]);
        Fer2013Splits splits = Fer2013CsvReader.Load(csv);
        Assert.That(splits.Issues.Select(i => i.Line), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(splits.Issues[0].Message, Does.Contain("emotion '9'"));
        Assert.That(splits.Issues[1].Message, Does.Contain("pixel 1 is '300'"));
        Assert.That(splits.Issues[2].Message, Does.Contain("Usage 'Validation'"));
    }

    [Test]
    public void CsvWithWrongHeaderOrMissingFile()
    {
        string csv = Path.Combine(fixture.Folder, "header.csv");
        File.WriteAllLines(csv, ["label,pixels,usage"]);
        var ex = Assert.Throws<DatasetException>(() => Fer2013CsvReader.Load(csv));
        Assert.That(ex!.Message, Does.Contain($"{csv}:1").And.Contain("expected header 'emotion,pixels,Usage'"));

        string missing = Path.Combine(fixture.Folder, "missing.csv");
        var ex2 = Assert.Throws<DatasetException>(() => Fer2013CsvReader.Load(missing));
        Assert.That(ex2!.Message, Does.Contain(missing).And.Contain("does not exist"));
    }

    [Test]
    public void DecoderErrorsNameTheSourceAndSayWhatWasExpected()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => new GrayImageDecoder().Decode([1, 2, 3, 4, 5, 6, 7, 8], "junk.jpg"));
        Assert.That(ex!.SourceName, Is.EqualTo("junk.jpg"));
        Assert.That(ex.Message, Does.StartWith("Cannot decode image 'junk.jpg': "));
        Assert.That(ex.CodecMessage, Does.Contain("not a JPEG, PNG, BMP, GIF, TIFF or WebP file").And.Contain("0102030405060708"));
    }
}
