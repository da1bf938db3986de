using NativeCnn.Data.Splits;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class StratifiedSplitTests
{
    // Class sizes chosen so the 0.8/0.1/0.1 quotas have awkward remainders (37 * 0.1 = 3.7).
    private static readonly int[] ClassSizes = [100, 37, 10, 3, 251];

    private static int[] Labels()
    {
        // Interleaved rather than grouped, so a split that ignored labels would show.
        var labels = new List<int>();
        for (int round = 0; labels.Count < ClassSizes.Sum(); round++)
        {
            for (int c = 0; c < ClassSizes.Length; c++)
            {
                if (round < ClassSizes[c])
                {
                    labels.Add(c);
                }
            }
        }
        return [.. labels];
    }

    [Test]
    public void PartsAreDisjointCompleteAndSorted()
    {
        int[] labels = Labels();
        SplitIndices split = StratifiedSplit.Indices(labels, ClassSizes.Length, 0.8, 0.1, 0.1, seed: 7);
        int[] all = [.. split.Train, .. split.Validation, .. split.Test];
        Assert.That(all.Order(), Is.EqualTo(Enumerable.Range(0, labels.Length)), "every image exactly once");
        Assert.That(split.Train, Is.Ordered.Ascending);
        Assert.That(split.Validation, Is.Ordered.Ascending);
        Assert.That(split.Test, Is.Ordered.Ascending);
    }

    [Test]
    public void EveryClassIsSplitInProportionWithinOneImage()
    {
        int[] labels = Labels();
        double[] fractions = [0.8, 0.1, 0.1];
        SplitIndices split = StratifiedSplit.Indices(labels, ClassSizes.Length, fractions[0], fractions[1], fractions[2], seed: 7);
        int[][] parts = [split.Train, split.Validation, split.Test];
        for (int c = 0; c < ClassSizes.Length; c++)
        {
            for (int p = 0; p < 3; p++)
            {
                int count = parts[p].Count(i => labels[i] == c);
                Assert.That(count, Is.GreaterThanOrEqualTo(1), $"class {c} is in part {p}");
                if (ClassSizes[c] >= 10)
                {
                    Assert.That(count, Is.InRange(ClassSizes[c] * fractions[p] - 1, ClassSizes[c] * fractions[p] + 1), $"class {c}, part {p}");
                }
            }
        }
        // Hand-checked: 37 -> quotas 29.6 / 3.7 / 3.7 -> floors 29/3/3, the 2 spare images go to the largest remainders: validation and test (0.7 each; train's is 0.6).
        Assert.That(parts.Select(p => p.Count(i => labels[i] == 1)), Is.EqualTo(new[] { 29, 4, 4 }));
    }

    [Test]
    public void TinyClassesStillReachEveryRequestedPart()
    {
        foreach (int n in new[] { 3, 4, 5, 6 })
        {
            int[] sizes = StratifiedSplit.PartSizes(n, [0.8, 0.1, 0.1]);
            Assert.That(sizes.Sum(), Is.EqualTo(n));
            Assert.That(sizes, Has.All.GreaterThanOrEqualTo(1), $"n = {n}");
        }
        // A part with fraction 0 stays empty; fewer than 3 images are not forced anywhere.
        Assert.That(StratifiedSplit.PartSizes(10, [0.9, 0.1, 0.0]), Is.EqualTo(new[] { 9, 1, 0 }));
        Assert.That(StratifiedSplit.PartSizes(2, [0.8, 0.1, 0.1]), Is.EqualTo(new[] { 2, 0, 0 }));
    }

    [Test]
    public void SameSeedSameSplitDifferentSeedDifferentSplit()
    {
        int[] labels = Labels();
        SplitIndices a = StratifiedSplit.Indices(labels, ClassSizes.Length, 0.8, 0.1, 0.1, seed: 1);
        SplitIndices b = StratifiedSplit.Indices(labels, ClassSizes.Length, 0.8, 0.1, 0.1, seed: 1);
        SplitIndices c = StratifiedSplit.Indices(labels, ClassSizes.Length, 0.8, 0.1, 0.1, seed: 2);
        Assert.That((b.Train, b.Validation, b.Test), Is.EqualTo((a.Train, a.Validation, a.Test)));
        Assert.That(c.Validation, Is.Not.EqualTo(a.Validation));
        Assert.That(c.Validation, Has.Length.EqualTo(a.Validation.Length), "sizes depend on the labels only");
    }

    [Test]
    public void SplitOfASetCopiesImagesWithTheirLabels()
    {
        int[] labels = Labels();
        // The two pixels hold the image index (low byte, high byte), so each copied image can be traced back.
        byte[] pixels = Enumerable.Range(0, labels.Length).SelectMany(i => new[] { (byte)i, (byte)(i >> 8) }).ToArray();
        var set = new NativeCnn.Data.LabeledImageSet(pixels, labels, 1, 1, 2, ["a", "b", "c", "d", "e"]);
        DatasetSplit split = StratifiedSplit.Split(set, 0.7, 0.2, 0.1, seed: 3);
        Assert.That(split.Train.Count + split.Validation.Count + split.Test.Count, Is.EqualTo(set.Count));
        for (int i = 0; i < split.Validation.Count; i++)
        {
            int source = split.Validation.GetImage(i)[0] + 256 * split.Validation.GetImage(i)[1];
            Assert.That(split.Validation.Labels[i], Is.EqualTo(labels[source]));
        }
    }

    [Test]
    public void InvalidFractionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => StratifiedSplit.Indices([0, 1], 2, 0.8, 0.1, 0.2, 0));
        Assert.Throws<ArgumentException>(() => StratifiedSplit.Indices([0, 1], 2, 1.2, -0.1, -0.1, 0));
        Assert.Throws<ArgumentException>(() => StratifiedSplit.Indices([0, 5], 2, 0.8, 0.1, 0.1, 0));
    }
}

[TestFixture]
public sealed class ClassWeightsTests
{
    [Test]
    public void BalancedMatchesAHandComputedExample()
    {
        // 10 samples, 3 classes, counts 5 / 3 / 2: weight_c = 10 / (3 * count_c)
        // = 10/15 = 0.6667, 10/9 = 1.1111, 10/6 = 1.6667.
        int[] labels = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];
        float[] weights = ClassWeights.Balanced(labels, 3);
        Assert.That(weights[0], Is.EqualTo(2f / 3f).Within(1e-6f));
        Assert.That(weights[1], Is.EqualTo(10f / 9f).Within(1e-6f));
        Assert.That(weights[2], Is.EqualTo(5f / 3f).Within(1e-6f));
        // Each class then carries the same total weight, n / n_classes.
        Assert.That(weights[0] * 5, Is.EqualTo(weights[2] * 2).Within(1e-5f));
    }

    [Test]
    public void BalancedDataGetsWeightOneAndAnEmptyClassIsRejected()
    {
        Assert.That(ClassWeights.Balanced([0, 1, 2, 0, 1, 2], 3), Is.EqualTo(new[] { 1f, 1f, 1f }));
        var ex = Assert.Throws<ArgumentException>(() => ClassWeights.Balanced([0, 0, 2], 3));
        Assert.That(ex!.Message, Does.Contain("class 1"));
    }
}
