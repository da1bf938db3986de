using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary>Conv2D forward and backward (im2col, GEMM, col2im, bias) against the CPU on random data.</summary>
public class GpuConvolutionTests(string backend) : GpuTestBase(backend)
{
    // batch, channels, height, width, filters, kh, kw, stride, padding
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(1, 1, 7, 9, 2, 3, 3, 1, Padding.Same);
        yield return new TestCaseData(3, 2, 11, 8, 5, 3, 3, 2, Padding.Same);
        yield return new TestCaseData(5, 3, 9, 9, 4, 5, 5, 1, Padding.Valid);
        yield return new TestCaseData(3, 4, 10, 7, 3, 3, 2, 2, Padding.Valid);
        yield return new TestCaseData(5, 3, 12, 13, 6, 5, 5, 2, Padding.Same);
        yield return new TestCaseData(1, 2, 6, 6, 3, 3, 2, 1, Padding.Same);
    }

    private static Conv2DGeometry Geometry(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding) =>
        Conv2DGeometry.Create(n, c, h, w, o, kh, kw, stride, stride, padding);

    [TestCaseSource(nameof(Cases))]
    public void Forward_matches_the_cpu(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding)
    {
        var g = Geometry(n, c, h, w, o, kh, kw, stride, padding);
        float[] x = RandomData.Floats(n * c * h * w, 1), k = RandomData.Floats(o * c * kh * kw, 2), b = RandomData.Floats(o, 3);
        int[] yShape = [n, o, g.OutHeight, g.OutWidth];
        using var gx = Make(Gpu, x, n, c, h, w); using var gk = Make(Gpu, k, o, c, kh, kw); using var gb = Make(Gpu, b, o);
        using var cx = Make(Cpu, x, n, c, h, w); using var ck = Make(Cpu, k, o, c, kh, kw); using var cb = Make(Cpu, b, o);
        using var gy = Gpu.Allocate(DType.Float32, yShape); using var cy = Cpu.Allocate(DType.Float32, yShape);
        Gpu.Conv2DForward(gx, gk, gb, gy, g);
        Cpu.Conv2DForward(cx, ck, cb, cy, g);
        AssertMatches(gy, cy, 1e-5, "y with bias");
        Gpu.Conv2DForward(gx, gk, null, gy, g);
        Cpu.Conv2DForward(cx, ck, null, cy, g);
        AssertMatches(gy, cy, 1e-5, "y without bias");
    }

    [TestCaseSource(nameof(Cases))]
    public void Backward_matches_the_cpu(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding)
    {
        var g = Geometry(n, c, h, w, o, kh, kw, stride, padding);
        float[] x = RandomData.Floats(n * c * h * w, 4), k = RandomData.Floats(o * c * kh * kw, 5);
        float[] dy = RandomData.Floats(n * o * g.OutPixels, 6);
        int[] yShape = [n, o, g.OutHeight, g.OutWidth];
        using var gx = Make(Gpu, x, n, c, h, w); using var gk = Make(Gpu, k, o, c, kh, kw); using var gdy = Make(Gpu, dy, yShape);
        using var cx = Make(Cpu, x, n, c, h, w); using var ck = Make(Cpu, k, o, c, kh, kw); using var cdy = Make(Cpu, dy, yShape);
        // Gradients start from NaN on the GPU: every output must be written, never accumulated into.
        float[] nans(int length) => Enumerable.Repeat(float.NaN, length).ToArray();
        using var gdx = Make(Gpu, nans(x.Length), n, c, h, w); using var gdk = Make(Gpu, nans(k.Length), o, c, kh, kw);
        using var gdb = Make(Gpu, nans(o), o);
        using var cdx = Cpu.Allocate(DType.Float32, n, c, h, w); using var cdk = Cpu.Allocate(DType.Float32, o, c, kh, kw);
        using var cdb = Cpu.Allocate(DType.Float32, o);
        Gpu.Conv2DBackward(gx, gk, gdy, gdx, gdk, gdb, g);
        Cpu.Conv2DBackward(cx, ck, cdy, cdx, cdk, cdb, g);
        AssertMatches(gdx, cdx, 1e-5, "dx");
        AssertMatches(gdk, cdk, 1e-4, "dKernel");
        AssertMatches(gdb, cdb, 1e-4, "dBias");

        // The first layer's form: no input gradient, no bias.
        Gpu.Conv2DBackward(gx, gk, gdy, null, gdk, null, g);
        AssertMatches(gdk, cdk, 1e-4, "dKernel without dx");
    }

    [TestCaseSource(nameof(Cases))]
    public void Fused_relu_matches_the_cpu(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding)
    {
        var g = Geometry(n, c, h, w, o, kh, kw, stride, padding);
        float[] x = RandomData.Floats(n * c * h * w, 7), k = RandomData.Floats(o * c * kh * kw, 8), b = RandomData.Floats(o, 9);
        float[] dy = RandomData.Floats(n * o * g.OutPixels, 10);
        int[] yShape = [n, o, g.OutHeight, g.OutWidth];
        using var gx = Make(Gpu, x, n, c, h, w); using var gk = Make(Gpu, k, o, c, kh, kw); using var gb = Make(Gpu, b, o);
        using var cx = Make(Cpu, x, n, c, h, w); using var ck = Make(Cpu, k, o, c, kh, kw); using var cb = Make(Cpu, b, o);
        using var gy = Gpu.Allocate(DType.Float32, yShape); using var cy = Cpu.Allocate(DType.Float32, yShape);
        Gpu.Conv2DForward(gx, gk, gb, gy, g, relu: true);
        Cpu.Conv2DForward(cx, ck, cb, cy, g, relu: true);
        AssertMatches(gy, cy, 1e-5, "relu(y)");

        // Both backward passes mask with the CPU's output, so a rounding-level sign difference cannot flip a mask bit.
        using var gyCpu = Make(Gpu, cy.AsSpan<float>().ToArray(), yShape);
        using var gdy = Make(Gpu, dy, yShape); using var cdy = Make(Cpu, dy, yShape);
        using var gdx = Gpu.Allocate(DType.Float32, n, c, h, w); using var gdk = Gpu.Allocate(DType.Float32, o, c, kh, kw);
        using var gdb = Gpu.Allocate(DType.Float32, o);
        using var cdx = Cpu.Allocate(DType.Float32, n, c, h, w); using var cdk = Cpu.Allocate(DType.Float32, o, c, kh, kw);
        using var cdb = Cpu.Allocate(DType.Float32, o);
        Gpu.Conv2DBackward(gx, gk, gdy, gdx, gdk, gdb, g, reluOutput: gyCpu);
        Cpu.Conv2DBackward(cx, ck, cdy, cdx, cdk, cdb, g, reluOutput: cy);
        AssertMatches(gdx, cdx, 1e-5, "dx");
        AssertMatches(gdk, cdk, 1e-4, "dKernel");
        AssertMatches(gdb, cdb, 1e-4, "dBias");
    }
}
