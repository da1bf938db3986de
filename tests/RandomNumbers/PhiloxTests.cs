using NativeCnn.Engine.Random;
using NUnit.Framework;

namespace NativeCnn.Tests.RandomNumbers;

[TestFixture]
public class PhiloxTests
{
    // Known-answer vectors from Random123's kat_vectors file, lines "philox4x32 10 ...":
    // ctr.v[0..3], key.v[0..1], expected out.v[0..3], all in Random123 word order.
    // (The zero vector's third word is 0xbc57ac4c, as in Random123 and TensorFlow's
    // stateful_random_ops_test; "...ac4e" circulates as a typo.)
    [TestCase(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u,
              0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [TestCase(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
              0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [TestCase(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u,
              0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Generate_MatchesRandom123KnownAnswers(
        uint c0, uint c1, uint c2, uint c3, uint k0, uint k1,
        uint e0, uint e1, uint e2, uint e3)
    {
        Philox4x32Block block = Philox4x32.Generate(c0, c1, c2, c3, k0, k1);

        Assert.That(block, Is.EqualTo(new Philox4x32Block(e0, e1, e2, e3)));
    }

    [Test]
    public void Generate_UlongOverload_PacksWordsLowFirst()
    {
        // The third known-answer vector, with the words packed into integers low word first.
        Philox4x32Block block = Philox4x32.Generate(
            key: 0x299f31d0_a4093822ul,
            counterHi: 0x03707344_13198a2eul,
            counterLo: 0x85a308d3_243f6a88ul);

        Assert.That(block, Is.EqualTo(new Philox4x32Block(0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)));
    }

    [Test]
    public void Block_Indexer_ReturnsLanesInOrder_AndRejectsOthers()
    {
        var block = new Philox4x32Block(1, 2, 3, 4);

        Assert.That(new[] { block[0], block[1], block[2], block[3] }, Is.EqualTo(new uint[] { 1, 2, 3, 4 }));
        Assert.That(() => block[4], Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ToUniform_UsesTop24Bits()
    {
        Assert.That(Philox.ToUniform(0u), Is.EqualTo(0f));
        Assert.That(Philox.ToUniform(0x000000FFu), Is.EqualTo(0f), "the low 8 bits are discarded");
        Assert.That(Philox.ToUniform(0x80000000u), Is.EqualTo(0.5f));
        Assert.That(Philox.ToUniform(0xFFFFFFFFu), Is.EqualTo(1f - 1f / (1 << 24)), "the largest value is below 1");
    }

    [Test]
    public void Uniform_IsTheDocumentedFunctionOfSeedStepLayerAndIndex()
    {
        const ulong seed = 0x0123456789ABCDEFul;
        const uint step = 42, layer = 7;
        // Element 9 is lane 1 of block 2; counter = (2, 0, step, layer), key = (low, high) of seed.
        Philox4x32Block block = Philox4x32.Generate(2u, 0u, step, layer, 0x89ABCDEFu, 0x01234567u);

        Assert.That(Philox.Uniform(seed, step, layer, 9), Is.EqualTo((block.X1 >> 8) / 16777216f));
    }

    [Test]
    public void FillUniform_EqualsUniformElementwise_IncludingUnalignedStart()
    {
        var bulk = new float[23];
        Philox.FillUniform(bulk, seed: 5, step: 3, layerId: 2, startIndex: 6);

        for (int j = 0; j < bulk.Length; j++)
            Assert.That(bulk[j], Is.EqualTo(Philox.Uniform(5, 3, 2, 6 + j)), $"element {j}");
    }

    [TestCase(0L, 0x0123456789ABCDEFul)]
    [TestCase(13L, 7ul)]
    // Block counters crossing 2^32: the high counter word must carry into c1.
    [TestCase(4L * 0xFFFF_FFF0L + 2, 0xFFFF_FFFF_FFFF_FFFFul)]
    public void FillUniform_LongRuns_EqualUniformElementwise(long startIndex, ulong seed)
    {
        // Long enough that whole 32-element runs take the vectorised generator, with ragged ends on both sides.
        var bulk = new float[1000];
        Philox.FillUniform(bulk, seed, step: 123456, layerId: 9, startIndex: startIndex);

        for (int j = 0; j < bulk.Length; j++)
            Assert.That(bulk[j], Is.EqualTo(Philox.Uniform(seed, 123456, 9, startIndex + j)), $"element {startIndex + j}");
    }

    [Test]
    public void FillUniform_InChunks_EqualsOneFill()
    {
        var whole = new float[100];
        Philox.FillUniform(whole, 11, 1, 1);
        var chunked = new float[100];
        Philox.FillUniform(chunked.AsSpan(0, 37), 11, 1, 1, startIndex: 0);
        Philox.FillUniform(chunked.AsSpan(37), 11, 1, 1, startIndex: 37);

        Assert.That(chunked, Is.EqualTo(whole));
    }

    [Test]
    public void FillUniform_IsDeterministic()
    {
        var a = new float[1000];
        var b = new float[1000];
        Philox.FillUniform(a, 2024, 17, 3);
        Philox.FillUniform(b, 2024, 17, 3);

        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void Uniform_IsInUnitIntervalWithMeanAndVarianceOfU01()
    {
        const int n = 1 << 20;
        var values = new float[n];
        Philox.FillUniform(values, seed: 1, step: 0, layerId: 0);

        double sum = 0, sumSquares = 0;
        foreach (float v in values)
        {
            Assert.That(v, Is.GreaterThanOrEqualTo(0f).And.LessThan(1f));
            sum += v;
            sumSquares += (double)v * v;
        }

        double mean = sum / n;
        double variance = sumSquares / n - mean * mean;
        // Standard error of the mean is sqrt(1/12 / n) ~ 2.8e-4; 5 standard errors is ~1.4e-3.
        Assert.That(mean, Is.EqualTo(0.5).Within(1.5e-3));
        Assert.That(variance, Is.EqualTo(1.0 / 12).Within(1e-3));

        // Ten equal bins should each hold about a tenth (expected 104857.6, sd ~307).
        var bins = new int[10];
        foreach (float v in values) bins[(int)(v * 10)]++;
        Assert.That(bins, Has.All.InRange(n / 10 - 2000, n / 10 + 2000));
    }

    [TestCase(1ul, 0u, 0u, 2ul, 0u, 0u, TestName = "different seeds")]
    [TestCase(1ul, 0u, 0u, 1ul, 1u, 0u, TestName = "different steps")]
    [TestCase(1ul, 0u, 0u, 1ul, 0u, 1u, TestName = "different layers")]
    [TestCase(1ul, 0u, 0u, 1ul << 32, 0u, 0u, TestName = "seeds differing only in the high word")]
    public void DifferentKeys_GiveDifferentStreams(ulong seedA, uint stepA, uint layerA, ulong seedB, uint stepB, uint layerB)
    {
        var a = new float[256];
        var b = new float[256];
        Philox.FillUniform(a, seedA, stepA, layerA);
        Philox.FillUniform(b, seedB, stepB, layerB);

        int equal = 0;
        for (int i = 0; i < a.Length; i++)
            if (a[i] == b[i]) equal++;
        // Independent streams collide at a position with probability 2^-24; allow one by chance.
        Assert.That(equal, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void NegativeIndex_Throws()
    {
        Assert.That(() => Philox.Uniform(0, 0, 0, -1), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => Philox.FillUniform(new float[4], 0, 0, 0, startIndex: -1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
