using System.Buffers.Binary;
using NativeCnn.Data;
using NativeCnn.Data.Fer2013;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Tests.Data;

/// <summary>Hostile and broken files: a header that claims a giant image, and files cut short, in every format.</summary>
[TestFixture]
public sealed class ImageDecoderLimitTests
{
    private static string Fixture => Path.Combine(TestPaths.RepoRoot, "tests", "Data", "Fixtures", "pil-gray");

    private static string FerFile => Path.Combine(TestPaths.Fer2013Folder, "train", "angry", "Training_10118481.jpg");

    /// <summary>A real 1.5 KB FER-2013 JPEG whose frame header (SOF0) now claims <paramref name="side"/> x <paramref name="side"/> pixels.</summary>
    internal static byte[] JpegClaiming(int side)
    {
        byte[] jpeg = File.ReadAllBytes(FerFile);
        int sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        Assert.That(sof, Is.GreaterThan(0), "a baseline JPEG has an SOF0 marker");
        // SOF0: marker (2), length (2), precision (1), height (2), width (2), big-endian.
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), (ushort)side);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), (ushort)side);
        return jpeg;
    }

    [Test]
    public void AHeaderClaiming46000SquaredIsRefusedWithoutAGiantAllocation()
    {
        byte[] hostile = JpegClaiming(46000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ImageDecodeException>(() => new GrayImageDecoder().Decode(hostile, "hostile.jpg"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TestContext.Out.WriteLine($"{hostile.Length} bytes claiming 46000x46000: {ex!.Message}; {allocated:N0} bytes allocated");
        Assert.That(ex.Message, Does.StartWith("Cannot decode image 'hostile.jpg': ")
            .And.Contain("46000x46000 = 2,116,000,000 pixels").And.Contain("over the limit of 67,108,864"));
        Assert.That(ex.Message.Split('\n'), Has.Length.EqualTo(1), "one line");
        // The decoder's objects and the header parse; a decode would need 2 GB for the gray plane alone.
        Assert.That(allocated, Is.LessThan(2_000_000));
    }

    [Test]
    public void TheLimitIsAReadOption()
    {
        using var fixture = new FerFixture();
        var options = new ReadOptions { UseCache = false, MaxImagePixels = 48 * 48 - 1 };
        var ex = Assert.Throws<ImageDecodeException>(() => Fer2013FolderReader.Load(fixture.Root, options));
        Assert.That(ex!.Message, Does.Contain(fixture.Root).And.Contain("48x48 = 2,304 pixels, over the limit of 2,303"));
        Fer2013Splits splits = Fer2013FolderReader.Load(fixture.Root, options with { MaxImagePixels = 48 * 48 });
        Assert.That(splits.Train.Count, Is.EqualTo(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fer2013FolderReader.Load(fixture.Root, options with { MaxImagePixels = 0 }));
    }

    [Test]
    public void AFileCutShortIsAnErrorInEveryFormatNeverInventedPixels()
    {
        string[] files =
        [
            FerFile,
            Path.Combine(TestPaths.SharedData, "muxspace", "images", "facial-expressions_2868582k.jpg"), // progressive
            Path.Combine(TestPaths.SharedData, "muxspace", "images", "facial-expressions_2868588k.jpg"), // WebP
            .. Directory.GetFiles(Path.Combine(Fixture, "images")).Order(StringComparer.Ordinal),
        ];
        var decoder = new GrayImageDecoder();
        Assert.Multiple(() =>
        {
            foreach (string file in files)
            {
                byte[] whole = File.ReadAllBytes(file);
                Assert.That(() => decoder.Decode(whole, file), Throws.Nothing, $"{file} intact");
                foreach (double keep in new[] { 0.5, 0.9 })
                {
                    byte[] cut = whole[..(int)(whole.Length * keep)];
                    var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(cut, file), $"{Path.GetFileName(file)} cut to {keep:P0}");
                    TestContext.Out.WriteLine(ex?.CodecMessage);
                }
            }
        });
    }
}
