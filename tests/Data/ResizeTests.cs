using NativeCnn.Data.Imaging;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class ResizeTests
{
    [Test]
    public void SameSizeIsAnExactCopy()
    {
        var src = new byte[48 * 48];
        new Random(3).NextBytes(src);
        var dst = new byte[48 * 48];
        Resize.Gray(src, 48, 48, dst, 48, 48);
        Assert.That(dst, Is.EqualTo(src));
    }

    [Test]
    public void ShrinkFourByFourToTwoByTwoAveragesEachBlockAndRounds()
    {
        byte[] src =
        [
            0, 10, 100, 200,
            20, 30, 50, 250,
            1, 2, 255, 255,
            3, 4, 255, 255,
        ];
        var dst = new byte[4];
        Resize.Gray(src, 4, 4, dst, 2, 2);
        // Block means 15, 150, 2.5 (rounds half up to 3), 255.
        Assert.That(dst, Is.EqualTo(new byte[] { 15, 150, 3, 255 }));
    }

    [Test]
    public void ShrinkByNonIntegerFactorUsesFractionalAreas()
    {
        // 3 -> 2 along one axis: output 0 covers [0, 1.5) = a + b/2, output 1 covers [1.5, 3) = b/2 + c, each / 1.5.
        byte[] src = [30, 61, 90];
        var dst = new byte[2];
        Resize.Gray(src, 1, 3, dst, 1, 2);
        Assert.That(dst, Is.EqualTo(new[] { (byte)Math.Round((30 + 30.5) / 1.5), (byte)Math.Round((30.5 + 90) / 1.5) }));
    }

    [Test]
    public void EnlargeIsBilinearWithHalfPixelCentres()
    {
        // 2 -> 4: centres map to -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
        byte[] src = [0, 200];
        var dst = new byte[4];
        Resize.Gray(src, 1, 2, dst, 1, 4);
        Assert.That(dst, Is.EqualTo(new byte[] { 0, 50, 150, 200 }));
    }

    [Test]
    public void OddSizesKeepConstantImagesConstant()
    {
        foreach (var (sh, sw, dh, dw) in new[] { (7, 5, 3, 2), (5, 7, 11, 13), (350, 350, 48, 48), (18, 41, 48, 48), (1, 1, 3, 3) })
        {
            var constant = Enumerable.Repeat((byte)77, sh * sw).ToArray();
            var dst = new byte[dh * dw];
            Resize.Gray(constant, sh, sw, dst, dh, dw);
            Assert.That(dst, Is.All.EqualTo((byte)77), $"{sh}x{sw} -> {dh}x{dw}");
            var white = Enumerable.Repeat((byte)255, sh * sw).ToArray();
            Resize.Gray(white, sh, sw, dst, dh, dw);
            Assert.That(dst, Is.All.EqualTo((byte)255), "float weights summing to a hair over 1 must not wrap past 255");
        }
    }

    [Test]
    public void ShrinkPreservesTheMeanWithinRounding()
    {
        var src = new byte[9 * 9];
        new Random(5).NextBytes(src);
        var dst = new byte[3 * 3];
        Resize.Gray(src, 9, 9, dst, 3, 3);
        Assert.That(dst.Average(b => (double)b), Is.EqualTo(src.Average(b => (double)b)).Within(0.5));
    }

    [Test]
    public void TooSmallBuffersAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Resize.Gray(new byte[3], 2, 2, new byte[4], 2, 2));
        Assert.Throws<ArgumentException>(() => Resize.Gray(new byte[4], 2, 2, new byte[3], 2, 2));
    }

    [Test]
    public void UnitScaleIsExactlyValueOver255AtEveryLengthAndOffset()
    {
        // Odd lengths and offsets exercise the SIMD body and the scalar tail.
        var random = new Random(8);
        foreach (int length in new[] { 0, 1, 31, 64, 65, 257, 2304, 4099 })
        {
            var bytes = new byte[length + 3];
            random.NextBytes(bytes);
            var floats = new float[length + 1];
            UnitScale.ToUnitFloats(bytes.AsSpan(3, length), floats.AsSpan(1));
            for (int i = 0; i < length; i++)
            {
                Assert.That(floats[1 + i], Is.EqualTo(bytes[3 + i] / 255f), $"length {length}, index {i}");
            }
            Assert.That(floats[0], Is.Zero, "nothing written before the destination");
        }
        Assert.Throws<ArgumentException>(() => UnitScale.ToUnitFloats(new byte[5], new float[4]));
    }
}
