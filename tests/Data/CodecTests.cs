using NativeCnn.Data;
using NativeCnn.Data.Codecs;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class CodecTests
{
    private string folder = "";

    [SetUp]
    public void MakeFolder() => folder = TestPaths.NewTempFolder();

    [TearDown]
    public void RemoveFolder() => TestPaths.DeleteFolder(folder);

    [Test]
    public void PngGrayRoundTripIsExact()
    {
        var pixels = new byte[37 * 23];
        new Random(1).NextBytes(pixels);
        var image = new DecodedImage(pixels, width: 37, height: 23, channels: 1);
        string path = Path.Combine(folder, "gray.png");

        Png.WriteFile(path, image);
        DecodedImage back = Png.ReadFile(path, channels: 1);

        Assert.That((back.Width, back.Height, back.Channels), Is.EqualTo((37, 23, 1)));
        Assert.That(back.Pixels, Is.EqualTo(pixels));
    }

    [Test]
    public void PngRgbRoundTripIsExactInFileAndMemory()
    {
        var pixels = new byte[19 * 11 * 3];
        new Random(2).NextBytes(pixels);
        var image = new DecodedImage(pixels, width: 19, height: 11, channels: 3);
        string path = Path.Combine(folder, "rgb.png");

        Png.WriteFile(path, image);
        byte[] encoded = Png.Encode(image);

        Assert.That(Png.ReadFile(path, channels: 3).Pixels, Is.EqualTo(pixels));
        DecodedImage fromMemory = Png.Decode(encoded, channels: 3, "memory");
        Assert.That((fromMemory.Width, fromMemory.Height), Is.EqualTo((19, 11)));
        Assert.That(fromMemory.Pixels, Is.EqualTo(pixels));
        Assert.That(encoded.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }));
    }

    [Test]
    public void PngCorruptDataIsAnImageDecodeException()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => Png.Decode(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, "bad.png"));
        Assert.That(ex!.Message, Does.Contain("bad.png").And.Contain("libpng"));
        Assert.Throws<ImageDecodeException>(() => Png.Decode([], 1, "empty.png"));
    }

    [Test]
    public void JpegDecodesFer2013ImageAs48x48Gray()
    {
        string file = Directory.GetFiles(Path.Combine(TestPaths.Fer2013Folder, "train", "happy")).OrderBy(p => p, StringComparer.Ordinal).First();
        using var jpeg = new TurboJpeg();
        DecodedImage image = jpeg.DecodeGrayFile(file);
        Assert.That((image.Width, image.Height, image.Channels), Is.EqualTo((48, 48, 1)));
        Assert.That(image.Pixels.Distinct().Count(), Is.GreaterThan(20));
    }

    [Test]
    public void JpegConvertsColourToGrayAtAnySize()
    {
        // muxspace holds colour JPEGs of odd sizes, e.g. Avinash_10.jpg, 186x182, 3 components.
        string file = Path.Combine(TestPaths.SharedData, "muxspace", "images", "Avinash_10.jpg");
        using var jpeg = new TurboJpeg();
        DecodedImage image = jpeg.DecodeGrayFile(file);
        Assert.That((image.Width, image.Height, image.Channels), Is.EqualTo((186, 182, 1)));
        Assert.That(image.Pixels, Has.Length.EqualTo(186 * 182));
        Assert.That(image.Pixels.Distinct().Count(), Is.GreaterThan(20));
    }

    [Test]
    public void DisposedDecoderRefusesWork()
    {
        var jpeg = new TurboJpeg();
        jpeg.Dispose();
        jpeg.Dispose();
        Assert.Throws<ObjectDisposedException>(() => jpeg.DecodeGray(new byte[] { 0xFF, 0xD8 }, "x.jpg"));
    }

    [Test]
    public unsafe void PngImageStructMatchesPngH()
    {
        // png.h 1.6: opaque pointer first, then seven uint32 fields, then char message[64].
        Assert.That(sizeof(PngNative.PngImage), Is.EqualTo(104));
        Assert.That(System.Runtime.InteropServices.Marshal.OffsetOf<PngNative.PngImage>(nameof(PngNative.PngImage.Version)), Is.EqualTo((nint)8));
        Assert.That(System.Runtime.InteropServices.Marshal.OffsetOf<PngNative.PngImage>(nameof(PngNative.PngImage.WarningOrError)), Is.EqualTo((nint)32));
        Assert.That(System.Runtime.InteropServices.Marshal.OffsetOf<PngNative.PngImage>("Message"), Is.EqualTo((nint)36));
    }
}
