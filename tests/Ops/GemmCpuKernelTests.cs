using System.Numerics;
using System.Runtime.Intrinsics.X86;
using NativeCnn.Engine.Ops;
using NUnit.Framework;

namespace NativeCnn.Tests.Ops;

/// <summary>
/// The blocked GEMM against the triple-loop oracle, on random data, for every class of shape the blocking
/// distinguishes (register-tile edges, cache-block edges, k beyond KC), every transpose combination,
/// padded leading dimensions, alpha/beta variants, one thread and all threads, every micro-kernel family, and the
/// inner-product form of A · B^T.
/// </summary>
[TestFixture]
public sealed unsafe class GemmCpuKernelTests
{
    // The AVX-512 tile is MR = 6 x NR = 64 floats (32 doubles), KC = 512; the Vector256 tile 6 x 16 (8); the
    // scalar tile 4 x 4. These shapes sit on, just below and just above those multiples, and k crosses KC.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (3, 5, 7), (5, 31, 9), (6, 32, 16), (7, 33, 17), (13, 15, 17), (12, 63, 31), (17, 64, 33),
        (11, 65, 15), (31, 13, 29), (1, 100, 3), (100, 1, 3), (2, 3, 600), (45, 129, 513),
    ];

    private static readonly (bool TransposeA, bool TransposeB)[] Transposes =
        [(false, false), (false, true), (true, false), (true, true)];

    private static IEnumerable<TestCaseData> SmallCases()
    {
        foreach (var (m, n, k) in Shapes)
        {
            foreach (var (ta, tb) in Transposes)
            {
                yield return new TestCaseData(ta, tb, m, n, k).SetArgDisplayNames($"{(ta ? "T" : "N")}{(tb ? "T" : "N")} {m}x{n}x{k}");
            }
        }
    }

    private static IEnumerable<TestCaseData> TransposeCases() =>
        Transposes.Select(t => new TestCaseData(t.TransposeA, t.TransposeB).SetArgDisplayNames($"{(t.TransposeA ? "T" : "N")}{(t.TransposeB ? "T" : "N")}"));

    [TestCaseSource(nameof(SmallCases))]
    public void Float_MatchesReference(bool ta, bool tb, int m, int n, int k) =>
        Check<float>(ta, tb, m, n, k, alpha: 1.5, beta: 0.5, pad: 0, maxThreads: 1);

    [TestCaseSource(nameof(SmallCases))]
    public void Double_MatchesReference(bool ta, bool tb, int m, int n, int k) =>
        Check<double>(ta, tb, m, n, k, alpha: -0.75, beta: 0.5, pad: 0, maxThreads: 1);

    // m > MC (252 floats, 126 doubles) and k > KC (512); the second shape has n > NC (4096 floats, 2048 doubles).
    [TestCaseSource(nameof(TransposeCases))]
    public void Float_LargerThanCacheBlocks_AllThreads(bool ta, bool tb)
    {
        Check<float>(ta, tb, 270, 300, 530, alpha: 1.25, beta: 0.5, pad: 0, maxThreads: -1);
        Check<float>(ta, tb, 7, 4200, 20, alpha: 1.25, beta: 0.5, pad: 0, maxThreads: -1);
    }

    [TestCaseSource(nameof(TransposeCases))]
    public void Double_LargerThanCacheBlocks_AllThreads(bool ta, bool tb)
    {
        Check<double>(ta, tb, 270, 300, 530, alpha: 1.25, beta: 0.5, pad: 0, maxThreads: -1);
        Check<double>(ta, tb, 7, 2100, 20, alpha: 1.25, beta: 0.5, pad: 0, maxThreads: -1);
    }

    [Test]
    public void Float_LargerThanCacheBlocks_OneThread()
    {
        Check<float>(false, false, 300, 270, 530, alpha: 1, beta: 1, pad: 0, maxThreads: 1);
        Check<float>(false, false, 7, 4200, 20, alpha: 1, beta: 1, pad: 0, maxThreads: 1);
    }

    [Test]
    public void Float_ThreadSplitAlongN_AndAlongM([Values(1, -1)] int threads)
    {
        Check<float>(false, false, 64, 1100, 70, alpha: 1, beta: 0, pad: 0, maxThreads: threads);
        Check<float>(true, true, 1100, 64, 70, alpha: 1, beta: 0, pad: 0, maxThreads: threads);
    }

    [Test]
    public void PaddedLeadingDimensions([Values(false, true)] bool ta, [Values(false, true)] bool tb, [Values(1, -1)] int threads)
    {
        Check<float>(ta, tb, 37, 45, 300, alpha: 2, beta: 0.5, pad: 7, maxThreads: threads);
        Check<double>(ta, tb, 37, 45, 300, alpha: 2, beta: 0.5, pad: 3, maxThreads: threads);
        Check<float>(ta, tb, 150, 200, 140, alpha: 2, beta: 0.5, pad: 5, maxThreads: threads);
    }

    [Test]
    public void BetaVariants([Values(0.0, 1.0, 0.5)] double beta, [Values(1, -1)] int threads)
    {
        Check<float>(false, true, 33, 65, 77, alpha: 0.5, beta: beta, pad: 2, maxThreads: threads);
        Check<double>(true, false, 33, 65, 77, alpha: 0.5, beta: beta, pad: 2, maxThreads: threads);
        Check<float>(false, false, 200, 180, 300, alpha: 0.5, beta: beta, pad: 0, maxThreads: threads);
    }

    [Test]
    public void EveryKernelFamily_MatchesReference([Values("Scalar", "Vector256", "Vector512")] string family, [Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        var kernel = Enum.Parse<Gemm.KernelKind>(family);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 9, 5), (13, 17, 19), (29, 35, 270) })
        {
            Check<float>(ta, tb, m, n, k, alpha: 1.5, beta: 0.5, pad: 1, maxThreads: 1, kernel);
            Check<double>(ta, tb, m, n, k, alpha: 1.5, beta: 0.0, pad: 1, maxThreads: 1, kernel);
        }
    }

    // The inner-product form (GemmInnerProduct.cs) works in 4 x 4 tiles of C, 16-element vectors along k, chunks of 256
    // and a k % 16 remainder: these shapes sit on and around each of those edges.
    private static readonly (int M, int N, int K)[] InnerProductShapes =
    [
        (1, 1, 1), (1, 1, 16), (3, 5, 15), (4, 4, 16), (5, 3, 17), (7, 9, 255), (8, 8, 256), (9, 7, 257),
        (32, 9, 530), (9, 32, 530), (33, 31, 1030), (64, 70, 600),
    ];

    [Test]
    public void InnerProduct_MatchesReference([Values(1, 2)] int threads, [Values(0.0, 1.0, 0.5)] double beta)
    {
        Assume.That(Avx512F.IsSupported, "the inner-product GEMM needs AVX-512F");
        foreach (var (m, n, k) in InnerProductShapes)
        {
            Check<float>(false, true, m, n, k, alpha: 1.5, beta: beta, pad: 3, maxThreads: threads, innerProduct: true);
        }
    }

    [Test]
    public void TransposedB_SmallOutputDeepK_TakesTheInnerProduct_AndMatchesReference([Values(1, -1)] int threads)
    {
        Assume.That(Avx512F.IsSupported, "the inner-product GEMM needs AVX-512F");
        Assert.That(Gemm.InnerProductApplies(40, 300, 700) && Gemm.InnerProductApplies(300, 40, 700), "these shapes should take the inner product");
        Check<float>(false, true, 40, 300, 700, alpha: 1, beta: 0.5, pad: 0, maxThreads: threads);
        Check<float>(false, true, 300, 40, 700, alpha: 1, beta: 0, pad: 1, maxThreads: threads);
    }

    [Test]
    public void ZeroK_ScalesC([Values(0.0, 1.0, 0.5)] double beta)
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        if (beta == 0)
        {
            Array.Fill(c, float.NaN);
        }

        float[] expected = beta == 0 ? new float[6] : c.Select(v => v * (float)beta).ToArray();
        fixed (float* pc = c)
        {
            Gemm.Multiply(false, false, 2, 3, 0, 1f, null, 1, null, 3, (float)beta, pc, 3);
        }

        Assert.That(c, Is.EqualTo(expected));
    }

    [Test]
    public void EmptyOutput_DoesNothing()
    {
        var c = new float[] { 7 };
        fixed (float* pc = c)
        {
            Gemm.Multiply(false, false, 0, 1, 5, 1f, null, 5, null, 1, 0f, pc, 1);
            Gemm.Multiply(false, false, 1, 0, 5, 1f, null, 5, null, 1, 0f, pc, 1);
        }

        Assert.That(c[0], Is.EqualTo(7f));
    }

    [Test]
    public void InvalidArguments_ThrowNamingTheParameter()
    {
        var buffer = new float[64];
        fixed (float* p = buffer)
        {
            float* q = p;
            void Call(bool ta, bool tb, int m, int n, int k, int lda, int ldb, int ldc, int threads = -1) =>
                Gemm.Multiply(ta, tb, m, n, k, 1f, q, lda, q, ldb, 0f, q, ldc, threads);

            AssertThrowsFor("m", () => Call(false, false, -1, 2, 2, 2, 2, 2));
            AssertThrowsFor("n", () => Call(false, false, 2, -1, 2, 2, 2, 2));
            AssertThrowsFor("k", () => Call(false, false, 2, 2, -1, 2, 2, 2));
            AssertThrowsFor("lda", () => Call(false, false, 2, 3, 4, 3, 3, 3));   // A is 2 x 4: lda >= 4
            AssertThrowsFor("lda", () => Call(true, false, 5, 3, 4, 4, 3, 3));    // A stored 4 x 5: lda >= 5
            AssertThrowsFor("ldb", () => Call(false, false, 2, 3, 4, 4, 2, 3));   // B is 4 x 3: ldb >= 3
            AssertThrowsFor("ldb", () => Call(false, true, 2, 3, 4, 4, 3, 3));    // B stored 3 x 4: ldb >= 4
            AssertThrowsFor("ldc", () => Call(false, false, 2, 3, 4, 4, 3, 2));
            AssertThrowsFor("maxThreads", () => Call(false, false, 2, 2, 2, 2, 2, 2, threads: 0));
            AssertThrowsFor("maxThreads", () => Call(false, false, 2, 2, 2, 2, 2, 2, threads: -2));
            AssertThrowsFor("a", () => Gemm.Multiply(false, false, 2, 2, 2, 1f, null, 2, q, 2, 0f, q, 2));
            AssertThrowsFor("b", () => Gemm.Multiply(false, false, 2, 2, 2, 1f, q, 2, null, 2, 0f, q, 2));
            AssertThrowsFor("c", () => Gemm.Multiply(false, false, 2, 2, 2, 1f, q, 2, q, 2, 0f, null, 2));
            AssertThrowsFor("lda", () => GemmReference.Multiply(false, false, 2, 3, 4, 1f, q, 3, q, 3, 0f, q, 3));
        }
    }

    private static void AssertThrowsFor(string parameter, TestDelegate call) =>
        Assert.That(call, Throws.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(parameter));

    /// <summary>
    /// Runs fast and reference GEMM on the same random operands (values in [-1, 1), never zero-filled; C is NaN when
    /// beta = 0 to prove it is not read) and compares every element, and checks the padding columns of C are untouched.
    /// </summary>
    private static void Check<T>(
        bool ta, bool tb, int m, int n, int k, double alpha, double beta, int pad, int maxThreads,
        Gemm.KernelKind? kernel = null, bool innerProduct = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new System.Random(HashCode.Combine(ta, tb, m, n, k, pad, typeof(T).Name));
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        T[] a = RandomArray<T>(rng, Math.Max(1, (ta ? k : m) * lda));
        T[] b = RandomArray<T>(rng, Math.Max(1, (tb ? n : k) * ldb));
        T[] c = RandomArray<T>(rng, Math.Max(1, m * ldc));
        if (beta == 0)
        {
            for (int i = 0; i < m; i++)
            {
                Array.Fill(c, T.NaN, i * ldc, n);
            }
        }

        T[] expected = (T[])c.Clone();
        T alphaT = T.CreateChecked(alpha), betaT = T.CreateChecked(beta);
        fixed (T* pa = a, pb = b, pc = c, pe = expected)
        {
            GemmReference.Multiply(ta, tb, m, n, k, alphaT, pa, lda, pb, ldb, betaT, pe, ldc);
            if (innerProduct)
            {
                Gemm.MultiplyInnerProduct(m, n, k, (float)alpha, (float*)pa, lda, (float*)pb, ldb, (float)beta, (float*)pc, ldc, maxThreads);
            }
            else if (kernel is { } kind)
            {
                Gemm.Multiply(kind, ta, tb, m, n, k, alphaT, pa, lda, pb, ldb, betaT, pc, ldc, maxThreads);
            }
            else
            {
                Gemm.Multiply(ta, tb, m, n, k, alphaT, pa, lda, pb, ldb, betaT, pc, ldc, maxThreads);
            }
        }

        // Rounding error of a length-k dot product of values in [-1, 1) grows like sqrt(k) (random signs).
        double eps = typeof(T) == typeof(float) ? 1e-5 : 1e-13;
        double tolerance = eps * Math.Sqrt(Math.Max(k, 1)) * (Math.Abs(alpha) + Math.Abs(beta) + 1);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                int index = i * ldc + j;
                if (j >= n)
                {
                    Assert.That(c[index], Is.EqualTo(expected[index]), $"padding C[{i},{j}] was written");
                    continue;
                }

                double diff = Math.Abs(double.CreateChecked(c[index] - expected[index]));
                if (!(diff <= worst))
                {
                    worst = diff;
                    worstIndex = index;
                }
            }
        }

        string where = worstIndex < 0 ? "" : $" at C[{worstIndex / ldc},{worstIndex % ldc}]: {c[worstIndex]} vs {expected[worstIndex]}";
        Assert.That(worst, Is.LessThanOrEqualTo(tolerance),
            $"{typeof(T).Name} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {m}x{n}x{k} alpha={alpha} beta={beta} pad={pad} threads={maxThreads} kernel={kernel}{where}");
    }

    private static T[] RandomArray<T>(System.Random rng, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        }

        return values;
    }
}
