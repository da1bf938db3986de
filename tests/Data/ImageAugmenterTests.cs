using NativeCnn.Data;
using NativeCnn.Data.Augmentation;
using NativeCnn.Data.Batching;
using NativeCnn.Data.Imaging;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class ImageAugmenterTests
{
    private static readonly AugmentationOptions Everything = new()
    {
        RotationRange = 30, WidthShiftRange = 0.2, HeightShiftRange = 0.2, ZoomRange = 0.2, ShearRange = 15, HorizontalFlip = true,
    };

    /// <summary>count images of [channels, h, w] with values in [0, 1).</summary>
    private static float[] Images(int count, int channels, int h, int w, int seed) =>
        RandomData.Floats(count * channels * h * w, seed).Select(v => (v + 1) / 2).ToArray();

    private static float At(float[] image, int w, int r, int c) => image[r * w + c];

    [Test]
    public void SameSeedGivesTheSameImagesAndOtherSeedsOrEpochsDoNot()
    {
        float[] original = Images(8, 1, 12, 12, 1);
        int[] keys = Enumerable.Range(100, 8).ToArray();
        float[] Run(ulong seed, int epoch)
        {
            float[] copy = (float[])original.Clone();
            new ImageAugmenter(Everything, seed).Apply(copy, 8, 1, 12, 12, epoch, keys);
            return copy;
        }
        Assert.That(Run(42, 3), Is.EqualTo(Run(42, 3)));
        Assert.That(Run(42, 3), Is.Not.EqualTo(Run(43, 3)));
        Assert.That(Run(42, 3), Is.Not.EqualTo(Run(42, 4)));
        Assert.That(Run(42, 3), Is.Not.EqualTo(original));
    }

    [Test]
    public void AnImagesTransformDependsOnItsKeyNotOnItsBatchPosition()
    {
        var augmenter = new ImageAugmenter(Everything, 9);
        float[] pair = Images(2, 2, 10, 10, 2);
        float[] single = pair[200..];
        augmenter.Apply(pair, 2, 2, 10, 10, epoch: 1, [7, 31]);
        augmenter.Apply(single, 1, 2, 10, 10, epoch: 1, [31]);
        Assert.That(pair[200..], Is.EqualTo(single));
        Assert.That(augmenter.ParametersFor(1, 31, 10, 10), Is.EqualTo(augmenter.ParametersFor(1, 31, 10, 10)));
    }

    [Test]
    public void AllRangesZeroIsTheIdentity()
    {
        float[] original = Images(4, 3, 9, 7, 3);
        float[] copy = (float[])original.Clone();
        var augmenter = new ImageAugmenter(new AugmentationOptions(), 5);
        augmenter.Apply(copy, 4, 3, 9, 7, 0, [0, 1, 2, 3]);
        Assert.That(copy, Is.EqualTo(original));
        Assert.That(augmenter.ParametersFor(0, 2, 9, 7), Is.EqualTo(AffineParameters.Identity));
    }

    [Test]
    public void HorizontalFlipMirrorsExactlyAndHappensAboutHalfTheTime()
    {
        const int n = 200, h = 4, w = 5;
        float[] original = Images(n, 1, h, w, 4);
        float[] copy = (float[])original.Clone();
        new ImageAugmenter(new AugmentationOptions { HorizontalFlip = true }, 6).Apply(copy, n, 1, h, w, 0, Enumerable.Range(0, n).ToArray());
        int flipped = 0;
        for (int i = 0; i < n; i++)
        {
            float[] before = original[(i * h * w)..((i + 1) * h * w)], after = copy[(i * h * w)..((i + 1) * h * w)];
            float[] mirrored = Enumerable.Range(0, h * w).Select(k => before[(k / w) * w + (w - 1 - k % w)]).ToArray();
            bool isMirror = after.SequenceEqual(mirrored), isSame = after.SequenceEqual(before);
            Assert.That(isMirror || isSame, Is.True, $"image {i} is neither unchanged nor exactly mirrored");
            flipped += isMirror ? 1 : 0;
        }
        Assert.That(flipped, Is.InRange(70, 130), "p = 1/2 over 200 images");
    }

    [Test]
    public void WholePixelShiftMovesPixelsExactlyWithNearestFill()
    {
        const int h = 6, w = 7;
        float[] original = Images(1, 2, h, w, 5);
        float[] image = (float[])original.Clone();
        ImageAugmenter.Transform(image, 2, h, w, AffineParameters.Identity with { ShiftRows = 2, ShiftColumns = -1 });
        for (int ch = 0; ch < 2; ch++)
        {
            for (int r = 0; r < h; r++)
            {
                for (int c = 0; c < w; c++)
                {
                    // Output (r, c) shows input (r + 2, c - 1), clamped to the edge ('nearest' fill).
                    int sr = Math.Min(r + 2, h - 1), sc = Math.Max(c - 1, 0);
                    Assert.That(image[ch * h * w + r * w + c], Is.EqualTo(original[ch * h * w + sr * w + sc]), $"channel {ch} ({r}, {c})");
                }
            }
        }
    }

    [Test]
    public void QuarterTurnOfASquareImageIsARot90OfThePixels()
    {
        const int n = 8;
        float[] original = Images(1, 1, n, n, 6);
        float[] image = (float[])original.Clone();
        ImageAugmenter.Transform(image, 1, n, n, AffineParameters.Identity with { RotationDegrees = 90 });
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                // +90 degrees: output (r, c) = input (n-1-c, r), i.e. numpy's rot90(x, k=-1).
                Assert.That(At(image, n, r, c), Is.EqualTo(At(original, n, n - 1 - c, r)).Within(1e-5f), $"({r}, {c})");
            }
        }
    }

    [Test]
    public void ZoomAboutTheCentreKeepsTheCentreAndScalesDistances()
    {
        const int n = 5;
        float[] original = Images(1, 1, n, n, 7);
        float[] image = (float[])original.Clone();
        ImageAugmenter.Transform(image, 1, n, n, AffineParameters.Identity with { ZoomRows = 2, ZoomColumns = 2 });
        Assert.That(At(image, n, 2, 2), Is.EqualTo(At(original, n, 2, 2)));
        Assert.That(At(image, n, 1, 3), Is.EqualTo(At(original, n, 0, 4)), "distance 1 from the centre reads distance 2");
        Assert.That(At(image, n, 0, 0), Is.EqualTo(At(original, n, 0, 0)), "beyond the edge: nearest pixel");
    }

    [Test]
    public void ValuesStayWithinTheInputRange()
    {
        const int count = 32, h = 16, w = 16;
        float[] original = Images(count, 1, h, w, 8);
        float[] copy = (float[])original.Clone();
        new ImageAugmenter(Everything, 11).Apply(copy, count, 1, h, w, 2, Enumerable.Range(0, count).ToArray());
        for (int i = 0; i < count; i++)
        {
            var before = original.AsSpan(i * h * w, h * w).ToArray();
            var after = copy.AsSpan(i * h * w, h * w).ToArray();
            Assert.That(after.Min(), Is.GreaterThanOrEqualTo(before.Min()), $"image {i}");
            Assert.That(after.Max(), Is.LessThanOrEqualTo(before.Max()), $"image {i}");
        }
    }

    [Test]
    public void PlugsIntoThePrefetcherAsItsTransform()
    {
        const int count = 10, h = 6, w = 6;
        int[] labels = Enumerable.Range(0, count).Select(i => i % 2).ToArray();
        byte[] pixels = RandomData.Floats(count * h * w, 9).Select(v => (byte)(127.5f + 127.5f * v)).ToArray();
        var data = new LabeledImageSet(pixels, labels, 1, h, w, ["a", "b"]);
        var augmenter = new ImageAugmenter(Everything, 12);
        var sampler = new BatchSampler(count, 4, seed: 3);
        using var prefetcher = new Prefetcher(data, sampler, epoch: 5, transform: augmenter.ForEpoch(5, 1, h, w));
        int seen = 0;
        foreach (Batch batch in prefetcher)
        {
            for (int k = 0; k < batch.Count; k++)
            {
                int index = batch.SampleIndices[k];
                float[] expected = data.GetImage(index).ToArray().Select(UnitScale.ToUnit).ToArray();
                ImageAugmenter.Transform(expected, 1, h, w, augmenter.ParametersFor(5, index, h, w));
                Assert.That(batch.Pixels.Slice(k * h * w, h * w).ToArray(), Is.EqualTo(expected), $"sample {index}");
                seen++;
            }
        }
        Assert.That(seen, Is.EqualTo(count));
    }

    [Test]
    public void InvalidRangesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new AugmentationOptions { WidthShiftRange = 1.5 }, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new AugmentationOptions { RotationRange = -1 }, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new AugmentationOptions { ZoomRange = double.NaN }, 0));
    }

    [Test]
    public void KeyedRandomIsUniformAndItsDerivedStreamsDiffer()
    {
        var root = new KeyedRandom(2024);
        double[] u = Enumerable.Range(0, 20_000).Select(i => root.UniformAt((ulong)i)).ToArray();
        Assert.That(u.Min(), Is.GreaterThanOrEqualTo(0.0));
        Assert.That(u.Max(), Is.LessThan(1.0));
        Assert.That(u.Average(), Is.EqualTo(0.5).Within(0.01));
        Assert.That(u.Count(v => v < 0.25), Is.InRange(4_700, 5_300));
        Assert.That(root.Derive(1).At(0), Is.Not.EqualTo(root.Derive(2).At(0)));
        Assert.That(new KeyedRandom(2024).Derive(1).At(3), Is.EqualTo(root.Derive(1).At(3)));
    }
}

[TestFixture]
public sealed class TestTimeAugmentationTests
{
    [Test]
    public void FlippingTwiceRestoresTheImages()
    {
        float[] original = RandomData.Floats(2 * 3 * 4 * 5, 1);
        float[] images = (float[])original.Clone();
        TestTimeAugmentation.FlipHorizontal(images, 2, 3, 4, 5);
        Assert.That(images[0..5], Is.EqualTo(original[0..5].Reverse()));
        Assert.That(images, Is.Not.EqualTo(original));
        TestTimeAugmentation.FlipHorizontal(images, 2, 3, 4, 5);
        Assert.That(images, Is.EqualTo(original));
    }

    [Test]
    public void TenCropOfQuadrantsPicksEachCornerAndTheCentre()
    {
        // 4x4 image whose quadrants hold 1, 2 (top) and 3, 4 (bottom); 2x2 crops.
        float[] image =
        [
            1, 1, 2, 2,
            1, 1, 2, 2,
            3, 3, 4, 4,
            3, 3, 4, 4,
        ];
        float[] crops = TestTimeAugmentation.TenCrop(image, 1, 1, 4, 4, 2, 2);
        Assert.That(crops, Has.Length.EqualTo(10 * 16));
        for (int k = 0; k < 4; k++)
        {
            Assert.That(crops.AsSpan(k * 16, 16).ToArray(), Has.All.EqualTo(k + 1f), $"corner crop {k}");
            Assert.That(crops.AsSpan((k + 5) * 16, 16).ToArray(), Has.All.EqualTo(k + 1f), $"mirrored corner crop {k}");
        }
        // Centre crop = rows 1-2, cols 1-2 = [[1, 2], [3, 4]] scaled up: corners keep their quadrant's value.
        float[] centre = crops.AsSpan(4 * 16, 16).ToArray();
        Assert.That((centre[0], centre[3], centre[12], centre[15]), Is.EqualTo((1f, 2f, 3f, 4f)));
        float[] mirroredCentre = crops.AsSpan(9 * 16, 16).ToArray();
        Assert.That((mirroredCentre[0], mirroredCentre[3]), Is.EqualTo((2f, 1f)));
    }

    [Test]
    public void FullSizeCropsReproduceTheImageAndItsMirror()
    {
        float[] images = RandomData.Floats(2 * 6 * 6, 2);
        float[] crops = TestTimeAugmentation.TenCrop(images, 2, 1, 6, 6, 6, 6);
        float[] mirrored = (float[])images.Clone();
        TestTimeAugmentation.FlipHorizontal(mirrored, 2, 1, 6, 6);
        for (int n = 0; n < 2; n++)
        {
            for (int k = 0; k < 10; k++)
            {
                float[] expected = (k < 5 ? images : mirrored)[(n * 36)..((n + 1) * 36)];
                Assert.That(crops.AsSpan((n * 10 + k) * 36, 36).ToArray(), Is.EqualTo(expected), $"image {n}, crop {k}");
            }
        }
        Assert.Throws<ArgumentException>(() => TestTimeAugmentation.TenCrop(images, 2, 1, 6, 6, 7, 6));
    }
}
