using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary>Memory, activation, bias, pooling and softmax kernels against the CPU on random data at odd sizes.</summary>
public class GpuElementwiseTests(string backend) : GpuTestBase(backend)
{
    private static readonly int[] Lengths = [1, 7, 257, 1000, 70_001];

    [TestCaseSource(nameof(Lengths))]
    public void Fill_and_copy_cover_every_dtype(int n)
    {
        using var f = Gpu.Allocate(DType.Float32, n);
        Gpu.Fill(f, -2.5);
        Assert.That(Read(f), Is.All.EqualTo(-2.5f));
        using var i = Gpu.Allocate(DType.Int32, n);
        Gpu.Fill(i, 7);
        Assert.That(ReadInts(i), Is.All.EqualTo(7));

        float[] data = RandomData.Floats(n, n);
        using var source = Make(Gpu, data, n);
        Gpu.Copy(source, f);
        Assert.That(Read(f), Is.EqualTo(data));
        int[] ints = data.Select(v => (int)(v * 1000)).ToArray();
        using var intSource = Make(Gpu, ints, n);
        Gpu.Copy(intSource, i);
        Assert.That(ReadInts(i), Is.EqualTo(ints));
        if (!Gpu.SupportsFloat64) return;
        double[] doubles = RandomData.Doubles(n, n);
        using var d = Make(Gpu, doubles, n);
        using var d2 = Gpu.Allocate(DType.Float64, n);
        Gpu.Copy(d, d2);
        var back = new double[n];
        Gpu.Download<double>(d2, back);
        Assert.That(back, Is.EqualTo(doubles));
    }

    [Test]
    public void Upload_rejects_the_wrong_element_type_or_length()
    {
        using var t = Gpu.Allocate(DType.Float32, 4);
        Assert.Throws<ArgumentException>(() => Gpu.Upload<int>(t, new int[4]));
        Assert.Throws<ArgumentException>(() => Gpu.Upload<float>(t, new float[5]));
        Assert.Throws<ArgumentException>(() => Gpu.Download<float>(t, new float[3]));
    }

    [TestCaseSource(nameof(Lengths))]
    public void Relu_forward_backward_and_dropout_backward_match_the_cpu(int n)
    {
        float[] x = RandomData.Floats(n, 1), dy = RandomData.Floats(n, 2), mask = RandomData.Floats(n, 3);
        using var gx = Make(Gpu, x, n); using var gdy = Make(Gpu, dy, n); using var gm = Make(Gpu, mask, n);
        using var cx = Make(Cpu, x, n); using var cdy = Make(Cpu, dy, n); using var cm = Make(Cpu, mask, n);
        using var gy = Gpu.Allocate(DType.Float32, n); using var gdx = Gpu.Allocate(DType.Float32, n);
        using var cy = Cpu.Allocate(DType.Float32, n); using var cdx = Cpu.Allocate(DType.Float32, n);
        Gpu.ReluForward(gx, gy); Cpu.ReluForward(cx, cy);
        AssertMatches(gy, cy, 0, "relu");
        Gpu.ReluBackward(gy, gdy, gdx); Cpu.ReluBackward(cy, cdy, cdx);
        AssertMatches(gdx, cdx, 0, "relu backward");
        Gpu.DropoutBackward(gdy, gm, gdx); Cpu.DropoutBackward(cdy, cm, cdx);
        AssertMatches(gdx, cdx, 0, "dropout backward");
        // In place, as the Activation layer uses it.
        Gpu.ReluForward(gx, gx);
        AssertMatches(gx, cy, 0, "in-place relu");
    }

    [TestCase(1, 1), TestCase(5, 7), TestCase(64, 512), TestCase(3, 4608)]
    public void Row_bias_and_row_sums_match_the_cpu(int n, int f)
    {
        float[] y = RandomData.Floats(n * f, 1), bias = RandomData.Floats(f, 2);
        using var gy = Make(Gpu, y, n, f); using var gb = Make(Gpu, bias, f);
        using var cy = Make(Cpu, y, n, f); using var cb = Make(Cpu, bias, f);
        Gpu.AddRowBias(gy, gb); Cpu.AddRowBias(cy, cb);
        AssertMatches(gy, cy, 0, "y + bias");
        using var gs = Gpu.Allocate(DType.Float32, f); using var cs = Cpu.Allocate(DType.Float32, f);
        Gpu.SumRows(gy, gs); Cpu.SumRows(cy, cs);
        AssertMatches(gs, cs, 1e-5, "row sums");
    }

    // batch, channels, height, width, pool, stride
    [TestCase(1, 1, 4, 4, 2, 2), TestCase(3, 2, 9, 7, 2, 2), TestCase(2, 3, 11, 10, 3, 2), TestCase(5, 2, 48, 48, 2, 2), TestCase(2, 2, 7, 9, 3, 1)]
    public void Max_pooling_matches_the_cpu(int n, int c, int h, int w, int pool, int stride)
    {
        var g = Pool2DGeometry.Create(n, c, h, w, pool, pool, stride, stride);
        // Rounded values make ties, which must go to the first maximum on both backends.
        float[] x = RandomData.Floats(n * c * h * w, 1).Select(v => MathF.Round(v * 4) / 4).ToArray();
        float[] dy = RandomData.Floats(n * c * g.OutHeight * g.OutWidth, 2);
        int[] outShape = [n, c, g.OutHeight, g.OutWidth];
        using var gx = Make(Gpu, x, n, c, h, w); using var gdy = Make(Gpu, dy, outShape);
        using var cx = Make(Cpu, x, n, c, h, w); using var cdy = Make(Cpu, dy, outShape);
        using var gy = Gpu.Allocate(DType.Float32, outShape); using var ga = Gpu.Allocate(DType.Int32, outShape);
        using var cy = Cpu.Allocate(DType.Float32, outShape); using var ca = Cpu.Allocate(DType.Int32, outShape);
        Gpu.MaxPoolForward(gx, gy, ga, g); Cpu.MaxPoolForward(cx, cy, ca, g);
        AssertMatches(gy, cy, 0, "pooled");
        Assert.That(ReadInts(ga), Is.EqualTo(ReadInts(ca)), "argmax");
        using var gdx = Make(Gpu, Enumerable.Repeat(float.NaN, x.Length).ToArray(), n, c, h, w);
        using var cdx = Cpu.Allocate(DType.Float32, n, c, h, w);
        Gpu.MaxPoolBackward(gdy, ga, gdx, g); Cpu.MaxPoolBackward(cdy, ca, cdx, g);
        AssertMatches(gdx, cdx, 1e-6, "dx");
    }

    [TestCase(1, 1), TestCase(5, 7), TestCase(300, 4)]
    public void Softmax_forward_and_backward_match_the_cpu(int n, int k)
    {
        float[] x = RandomData.Floats(n * k, 1).Select(v => 20 * v).ToArray(), dy = RandomData.Floats(n * k, 2);
        using var gx = Make(Gpu, x, n, k); using var gdy = Make(Gpu, dy, n, k);
        using var cx = Make(Cpu, x, n, k); using var cdy = Make(Cpu, dy, n, k);
        using var gy = Gpu.Allocate(DType.Float32, n, k); using var gdx = Gpu.Allocate(DType.Float32, n, k);
        using var cy = Cpu.Allocate(DType.Float32, n, k); using var cdx = Cpu.Allocate(DType.Float32, n, k);
        Gpu.SoftmaxForward(gx, gy); Cpu.SoftmaxForward(cx, cy);
        AssertMatches(gy, cy, 1e-6, "softmax");
        Gpu.SoftmaxBackward(gy, gdy, gdx); Cpu.SoftmaxBackward(cy, cdy, cdx);
        AssertMatches(gdx, cdx, 1e-6, "softmax backward");
    }
}
