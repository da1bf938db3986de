using System.Runtime.Intrinsics.X86;
using NativeCnn.Engine.Ops;
using NUnit.Framework;

namespace NativeCnn.Tests.Ops;

/// <summary>The in-register 16 x 16 transpose used by GEMM packing, on random data with padded row strides.</summary>
public sealed unsafe class TransposeCpuKernelTests
{
    [TestCase(16, 16), TestCase(19, 37)]
    public void Block16x16_writes_the_transpose_and_nothing_else(int srcStride, int dstStride)
    {
        if (!Avx512F.IsSupported) Assert.Ignore("needs AVX-512F");
        var rng = new System.Random(srcStride * 100 + dstStride);
        var src = Enumerable.Range(0, 16 * srcStride).Select(_ => rng.NextSingle() * 2 - 1).ToArray();
        var dst = Enumerable.Repeat(float.NaN, 16 * dstStride).ToArray();
        fixed (float* s = src, d = dst) Transpose.Block16x16(s, srcStride, d, dstStride);

        for (int j = 0; j < 16; j++)
            for (int i = 0; i < dstStride; i++)
                if (i < 16) Assert.That(dst[j * dstStride + i], Is.EqualTo(src[i * srcStride + j]), $"dst[{j},{i}]");
                else Assert.That(dst[j * dstStride + i], Is.NaN, $"padding dst[{j},{i}] was written");
    }
}
