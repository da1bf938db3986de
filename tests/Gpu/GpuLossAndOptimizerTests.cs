using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary>Dropout masks (bit-exact), softmax cross-entropy and the optimizer updates against the CPU.</summary>
public class GpuLossAndOptimizerTests(string backend) : GpuTestBase(backend)
{
    // length, rate, seed (with high bits set in the last cases), step, layer
    [TestCase(1, 0.5, 1UL, 0UL, 0U)]
    [TestCase(7, 0.25, 42UL, 3UL, 2U)]
    [TestCase(4097, 0.5, 0xDEADBEEF12345678UL, 17UL, 5U)]
    [TestCase(70_001, 0.3, 0xFFFFFFFF00000001UL, 123456UL, 9U)]
    public void Dropout_masks_equal_the_cpu_exactly(int n, double rate, ulong seed, ulong step, uint layer)
    {
        float[] x = RandomData.Floats(n, 1);
        using var gx = Make(Gpu, x, n); using var cx = Make(Cpu, x, n);
        using var gy = Gpu.Allocate(DType.Float32, n); using var gm = Gpu.Allocate(DType.Float32, n);
        using var cy = Cpu.Allocate(DType.Float32, n); using var cm = Cpu.Allocate(DType.Float32, n);
        Gpu.DropoutForward(gx, gy, gm, rate, seed, step, layer);
        Cpu.DropoutForward(cx, cy, cm, rate, seed, step, layer);
        Assert.That(Read(gm), Is.EqualTo(Read(cm)), "mask");
        Assert.That(Read(gy), Is.EqualTo(Read(cy)), "y");
        if (n > 1000)
        {
            double dropped = Read(gm).Count(v => v == 0) / (double)n;
            Assert.That(dropped, Is.EqualTo(rate).Within(0.02), "fraction dropped");
        }
    }

    [TestCase(1, 3), TestCase(5, 7), TestCase(64, 7), TestCase(300, 4)]
    public void Softmax_cross_entropy_matches_the_cpu(int n, int k)
    {
        float[] logits = RandomData.Floats(n * k, 1).Select(v => 5 * v).ToArray();
        var random = new System.Random(n);
        int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray();
        using var gz = Make(Gpu, logits, n, k); using var gl = Make(Gpu, labels, n);
        using var cz = Make(Cpu, logits, n, k); using var cl = Make(Cpu, labels, n);
        using var gd = Gpu.Allocate(DType.Float32, n, k); using var cd = Cpu.Allocate(DType.Float32, n, k);
        var gpu = Gpu.SoftmaxCrossEntropy(gz, gl, gd);
        var cpu = Cpu.SoftmaxCrossEntropy(cz, cl, cd);
        Assert.That(gpu.MeanLoss, Is.EqualTo(cpu.MeanLoss).Within(1e-5 * Math.Max(1, cpu.MeanLoss)), "mean loss");
        Assert.That(gpu.Correct, Is.EqualTo(cpu.Correct), "correct");
        AssertMatches(gd, cd, 1e-6, "dLogits");
        var withoutGradient = Gpu.SoftmaxCrossEntropy(gz, gl, null);
        Assert.That(withoutGradient, Is.EqualTo(gpu), "loss without gradient");
    }

    [Test]
    public void Softmax_cross_entropy_names_a_label_out_of_range()
    {
        using var z = Make(Gpu, RandomData.Floats(12, 1), 3, 4);
        using var labels = Make(Gpu, new[] { 1, 4, 0 }, 3);
        var e = Assert.Throws<ArgumentException>(() => Gpu.SoftmaxCrossEntropy(z, labels, null));
        Assert.That(e!.Message, Does.Contain("label 4 of sample 1"));
    }

    [TestCase(1, 0.0, false), TestCase(1000, 0.0, false), TestCase(70_001, 0.9, false), TestCase(257, 0.9, true)]
    public void Sgd_update_matches_the_cpu(int n, double momentum, bool nesterov)
    {
        float[] p = RandomData.Floats(n, 1), g = RandomData.Floats(n, 2), v = RandomData.Floats(n, 3);
        using var gp = Make(Gpu, p, n); using var gg = Make(Gpu, g, n); using var gv = Make(Gpu, v, n);
        using var cp = Make(Cpu, p, n); using var cg = Make(Cpu, g, n); using var cv = Make(Cpu, v, n);
        Gpu.SgdUpdate(gp, gg, momentum == 0 ? null : gv, 0.01, momentum, nesterov);
        Cpu.SgdUpdate(cp, cg, momentum == 0 ? null : cv, 0.01, momentum, nesterov);
        AssertMatches(gp, cp, 1e-6, "parameter");
        AssertMatches(gv, cv, 1e-6, "velocity");
    }

    [TestCase(1, 1L), TestCase(257, 3L), TestCase(70_001, 1000L)]
    public void Adam_update_matches_the_cpu(int n, long t)
    {
        float[] p = RandomData.Floats(n, 1), g = RandomData.Floats(n, 2), m = RandomData.Floats(n, 3);
        float[] v = RandomData.Floats(n, 4).Select(Math.Abs).ToArray();
        using var gp = Make(Gpu, p, n); using var gg = Make(Gpu, g, n); using var gm = Make(Gpu, m, n); using var gv = Make(Gpu, v, n);
        using var cp = Make(Cpu, p, n); using var cg = Make(Cpu, g, n); using var cm = Make(Cpu, m, n); using var cv = Make(Cpu, v, n);
        Gpu.AdamUpdate(gp, gg, gm, gv, 1e-3, 0.9, 0.999, 1e-7, t);
        Cpu.AdamUpdate(cp, cg, cm, cv, 1e-3, 0.9, 0.999, 1e-7, t);
        AssertMatches(gp, cp, 1e-6, "parameter");
        AssertMatches(gm, cm, 1e-6, "m");
        AssertMatches(gv, cv, 1e-6, "v");
    }
}
