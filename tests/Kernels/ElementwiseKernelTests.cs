using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Devices.Cpu.Kernels;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Kernels;

/// <summary>Vectorised CPU kernels against scalar references on random data, at lengths that leave vector tails and cross the multi-core threshold.</summary>
public class ElementwiseKernelTests
{
    private static readonly CpuDevice Device = new();
    private static readonly int[] Lengths = [1, 7, 15, 16, 17, 33, 1000, 70_001];

    private static Tensor Upload(float[] data)
    {
        var t = Device.Allocate(DType.Float32, data.Length);
        Device.Upload<float>(t, data);
        return t;
    }

    [TestCaseSource(nameof(Lengths))]
    public void Relu_forward_and_backward_match_scalar(int n)
    {
        float[] x = RandomData.Floats(n, n), dy = RandomData.Floats(n, n + 1);
        using var tx = Upload(x);
        using var ty = Device.Allocate(DType.Float32, n);
        using var tdy = Upload(dy);
        using var tdx = Device.Allocate(DType.Float32, n);
        Device.ReluForward(tx, ty);
        Device.ReluBackward(ty, tdy, tdx);
        RandomData.AssertClose(ty.AsSpan<float>(), x.Select(v => Math.Max(v, 0f)).ToArray(), 0, "relu");
        RandomData.AssertClose(tdx.AsSpan<float>(), x.Select((v, i) => v > 0 ? dy[i] : 0f).ToArray(), 0, "relu backward");
    }

    [TestCaseSource(nameof(Lengths))]
    public void Adam_update_matches_the_keras_formula(int n)
    {
        float[] p = RandomData.Floats(n, 1), g = RandomData.Floats(n, 2), m = RandomData.Floats(n, 3), v = RandomData.Floats(n, 4).Select(Math.Abs).ToArray();
        using var tp = Upload(p); using var tg = Upload(g); using var tm = Upload(m); using var tv = Upload(v);
        const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        const int t = 3;
        Device.AdamUpdate(tp, tg, tm, tv, lr, b1, b2, eps, t);
        double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
        var ep = new float[n];
        for (int i = 0; i < n; i++)
        {
            double mi = b1 * m[i] + (1 - b1) * g[i], vi = b2 * v[i] + (1 - b2) * g[i] * g[i];
            ep[i] = (float)(p[i] - alpha * mi / (Math.Sqrt(vi) + eps));
        }
        RandomData.AssertClose(tp.AsSpan<float>(), ep, 1e-5, "adam");
    }

    [TestCase(1, false), TestCase(17, true), TestCase(70_001, true), TestCase(70_001, false)]
    public void Sgd_momentum_update_matches_the_keras_formula(int n, bool nesterov)
    {
        float[] p = RandomData.Floats(n, 1), g = RandomData.Floats(n, 2), vel = RandomData.Floats(n, 3);
        using var tp = Upload(p); using var tg = Upload(g); using var tv = Upload(vel);
        Device.SgdUpdate(tp, tg, tv, 0.01, 0.9, nesterov);
        var ep = new float[n];
        for (int i = 0; i < n; i++)
        {
            double v = 0.9 * vel[i] - 0.01 * g[i];
            ep[i] = (float)(p[i] + (nesterov ? 0.9 * v - 0.01 * g[i] : v));
        }
        RandomData.AssertClose(tp.AsSpan<float>(), ep, 1e-6, "sgd");
    }

    // (N, C, S): per-feature (S = 1), odd spatial sizes, and a large plane; then with a fused ReLU (its output clipped,
    // its gradient masked by the output it produced).
    [TestCase(5, 3, 1, false), TestCase(3, 4, 35, false), TestCase(2, 3, 17, false), TestCase(7, 2, 2304, false)]
    [TestCase(5, 3, 1, true), TestCase(3, 4, 35, true), TestCase(7, 2, 2304, true)]
    public void Batch_norm_matches_the_scalar_reference(int n, int c, int s, bool relu)
    {
        float[] x = RandomData.Floats(n * c * s, 1).Select(v => 3 + 2 * v).ToArray(), dy = RandomData.Floats(n * c * s, 2);
        float[] gamma = RandomData.Floats(c, 3), beta = RandomData.Floats(c, 4);
        using var tx = Device.Allocate(DType.Float32, n, c, s); Device.Upload<float>(tx, x);
        using var tdy = Device.Allocate(DType.Float32, n, c, s); Device.Upload<float>(tdy, dy);
        using var tg = Upload(gamma); using var tb = Upload(beta);
        using var mm = Device.Zeros(DType.Float32, c); using var mv = Device.Zeros(DType.Float32, c);
        using var ty = Device.Allocate(DType.Float32, n, c, s); using var tdx = Device.Allocate(DType.Float32, n, c, s);
        using var bm = Device.Allocate(DType.Float32, c); using var bi = Device.Allocate(DType.Float32, c);
        using var dg = Device.Allocate(DType.Float32, c); using var db = Device.Allocate(DType.Float32, c);
        Device.BatchNormTraining(tx, tg, tb, mm, mv, 0.99, 1e-3, ty, bm, bi, relu);
        Device.BatchNormBackward(tx, tdy, tg, bm, bi, tdx, dg, db, relu ? ty : null);

        float[] ey = new float[x.Length], mean = new float[c], variance = new float[c], edx = new float[x.Length], edg = new float[c], edb = new float[c];
        BatchNormReference.Training<float>(x, gamma, beta, 1e-3f, ey, mean, variance, n, c, s);
        float[] y = ty.AsSpan<float>().ToArray();
        if (relu)
        {
            ey = ey.Select(v => Math.Max(v, 0f)).ToArray();
            dy = dy.Select((v, i) => y[i] > 0 ? v : 0f).ToArray();
            Assert.That(y.Count(v => v == 0), Is.InRange(1, y.Length - 1), "some outputs are clipped, not all");
        }
        BatchNormReference.Backward<float>(x, dy, gamma, mean, variance, 1e-3f, edx, edg, edb, n, c, s);
        RandomData.AssertClose(y, ey, 1e-4, "normalised output");
        RandomData.AssertClose(tdx.AsSpan<float>(), edx, 1e-4, "input gradient");
        RandomData.AssertClose(dg.AsSpan<float>(), edg, 1e-3, "gamma gradient");
        RandomData.AssertClose(db.AsSpan<float>(), edb, 1e-3, "beta gradient");
        RandomData.AssertClose(mm.AsSpan<float>(), mean.Select(v => 0.01f * v).ToArray(), 1e-5, "moving mean");
        RandomData.AssertClose(mv.AsSpan<float>(), variance.Select(v => 0.01f * v).ToArray(), 1e-5, "moving variance");

        // Inference with the moving averages: the fused ReLU clips exactly what the plain normalisation writes.
        Device.BatchNormInference(tx, tg, tb, mm, mv, 1e-3, ty);
        float[] plain = ty.AsSpan<float>().ToArray();
        Device.BatchNormInference(tx, tg, tb, mm, mv, 1e-3, ty, relu);
        RandomData.AssertClose(ty.AsSpan<float>(), relu ? plain.Select(v => Math.Max(v, 0f)).ToArray() : plain, 0, "inference");
    }

    // (rows, features): vector tails on both sides of 16 floats.
    [TestCase(1, 1), TestCase(3, 17), TestCase(5, 33), TestCase(64, 512), TestCase(7, 1000)]
    public void Row_bias_and_row_sums_match_scalar(int n, int f)
    {
        float[] y = RandomData.Floats(n * f, 1), b = RandomData.Floats(f, 2);
        using var ty = Device.Allocate(DType.Float32, n, f); Device.Upload<float>(ty, y);
        using var tb = Upload(b);
        using var sums = Device.Allocate(DType.Float32, f);
        Device.AddRowBias(ty, tb);
        Device.SumRows(ty, sums);
        var expected = y.Select((v, i) => v + b[i % f]).ToArray();
        RandomData.AssertClose(ty.AsSpan<float>(), expected, 1e-6, "y + bias");
        var expectedSums = Enumerable.Range(0, f).Select(j => Enumerable.Range(0, n).Sum(i => (double)expected[i * f + j])).Select(v => (float)v).ToArray();
        RandomData.AssertClose(sums.AsSpan<float>(), expectedSums, 1e-5, "column sums");
    }

    [Test]
    public void Dropout_mask_is_a_pure_function_of_seed_step_and_layer()
    {
        const int n = 50_001;
        using var x = Upload(RandomData.Floats(n, 1));
        using var y1 = Device.Allocate(DType.Float32, n); using var m1 = Device.Allocate(DType.Float32, n);
        using var y2 = Device.Allocate(DType.Float32, n); using var m2 = Device.Allocate(DType.Float32, n);
        Device.DropoutForward(x, y1, m1, 0.25, seed: 9, step: 4, layerId: 2);
        Device.DropoutForward(x, y2, m2, 0.25, seed: 9, step: 4, layerId: 2);
        Assert.That(m1.AsSpan<float>().SequenceEqual(m2.AsSpan<float>()), Is.True, "same key, same mask");
        var mask = m1.AsSpan<float>().ToArray();
        for (int i = 0; i < n; i += 997)
            Assert.That(mask[i], Is.EqualTo(NativeCnn.Engine.Random.Philox.Uniform(9, 4, 2, i) < 0.25f ? 0f : 1f / 0.75f), $"element {i}");
        double dropped = mask.Count(v => v == 0) / (double)n;
        Assert.That(dropped, Is.EqualTo(0.25).Within(0.01));
        Device.DropoutForward(x, y2, m2, 0.25, seed: 9, step: 5, layerId: 2);
        Assert.That(m1.AsSpan<float>().SequenceEqual(m2.AsSpan<float>()), Is.False, "a new step draws a new mask");
    }
}
