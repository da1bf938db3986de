using NativeCnn.Data.Imaging;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class ResizeTests
{
    [Test]
    public void SameSizeIsExactScaling()
    {
        var src = new byte[48 * 48];
        new Random(3).NextBytes(src);
        var dst = new float[48 * 48];
        Resize.GrayToUnitFloats(src, 48, 48, dst, 48, 48);
        Assert.That(dst, Is.EqualTo(src.Select(b => b / 255f).ToArray()));
    }

    [Test]
    public void ShrinkFourByFourToTwoByTwoAveragesEachBlock()
    {
        byte[] src =
        [
            0, 10, 100, 200,
            20, 30, 50, 250,
            1, 2, 255, 255,
            3, 4, 255, 255,
        ];
        var dst = new float[4];
        Resize.GrayToUnitFloats(src, 4, 4, dst, 2, 2);
        float[] expected = [15 / 255f, 150 / 255f, 2.5f / 255f, 1f];
        Assert.That(dst, Is.EqualTo(expected).Within(1e-6f));
    }

    [Test]
    public void ShrinkByNonIntegerFactorUsesFractionalAreas()
    {
        // 3 -> 2 along one axis: output 0 covers [0, 1.5) = a + b/2, output 1 covers [1.5, 3) = b/2 + c, each / 1.5.
        byte[] src = [30, 60, 90];
        var dst = new float[2];
        Resize.GrayToUnitFloats(src, 1, 3, dst, 1, 2);
        Assert.That(dst, Is.EqualTo(new[] { (30 + 30) / 1.5f / 255f, (30 + 90) / 1.5f / 255f }).Within(1e-6f));
    }

    [Test]
    public void EnlargeIsBilinearWithHalfPixelCentres()
    {
        // 2 -> 4: centres map to -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
        byte[] src = [0, 200];
        var dst = new float[4];
        Resize.GrayToUnitFloats(src, 1, 2, dst, 1, 4);
        Assert.That(dst, Is.EqualTo(new[] { 0f, 50 / 255f, 150 / 255f, 200 / 255f }).Within(1e-6f));
    }

    [Test]
    public void OddSizesKeepConstantImagesConstantAndStayInRange()
    {
        foreach (var (sh, sw, dh, dw) in new[] { (7, 5, 3, 2), (5, 7, 11, 13), (350, 350, 48, 48), (18, 41, 48, 48), (1, 1, 3, 3) })
        {
            var constant = Enumerable.Repeat((byte)77, sh * sw).ToArray();
            var dst = new float[dh * dw];
            Resize.GrayToUnitFloats(constant, sh, sw, dst, dh, dw);
            Assert.That(dst, Is.All.EqualTo(77 / 255f).Within(1e-5f), $"{sh}x{sw} -> {dh}x{dw}");

            var noise = new byte[sh * sw];
            new Random(sh * 1000 + sw).NextBytes(noise);
            Resize.GrayToUnitFloats(noise, sh, sw, dst, dh, dw);
            Assert.That(dst, Is.All.InRange(0f, 1f));
        }
    }

    [Test]
    public void ShrinkPreservesTheMean()
    {
        var src = new byte[9 * 9];
        new Random(5).NextBytes(src);
        var dst = new float[3 * 3];
        Resize.GrayToUnitFloats(src, 9, 9, dst, 3, 3);
        Assert.That(dst.Average(), Is.EqualTo(src.Average(b => b / 255.0)).Within(1e-5));
    }

    [Test]
    public void TooSmallBuffersAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Resize.GrayToUnitFloats(new byte[3], 2, 2, new float[4], 2, 2));
        Assert.Throws<ArgumentException>(() => Resize.GrayToUnitFloats(new byte[4], 2, 2, new float[3], 2, 2));
    }
}
