using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary>Batch normalisation (training statistics and moving averages, inference, backward) against the CPU.</summary>
public class GpuBatchNormTests(string backend) : GpuTestBase(backend)
{
    // (N, C, S): dense features (S = 1), odd conv planes, a 48x48 plane, and more values per channel than a work-group.
    // With relu, a fused ReLU after the normalisation.
    [TestCase(5, 3, 1, false), TestCase(64, 7, 1, false), TestCase(3, 4, 35, false), TestCase(2, 3, 17, false), TestCase(3, 2, 2304, false), TestCase(1, 5, 9, false)]
    [TestCase(64, 7, 1, true), TestCase(3, 4, 35, true), TestCase(3, 2, 2304, true)]
    public void Training_inference_and_backward_match_the_cpu(int n, int c, int s, bool relu)
    {
        // Offset and scaled inputs, so a one-pass variance would visibly lose precision.
        float[] x = RandomData.Floats(n * c * s, 1).Select(v => 3 + 2 * v).ToArray(), dy = RandomData.Floats(n * c * s, 2);
        float[] gamma = RandomData.Floats(c, 3), beta = RandomData.Floats(c, 4);
        float[] movingMean = RandomData.Floats(c, 5), movingVariance = RandomData.Floats(c, 6).Select(v => 1 + Math.Abs(v)).ToArray();
        var tensors = new Dictionary<string, (Tensor Gpu, Tensor Cpu)>();
        (Tensor, Tensor) Pair(string name, float[] data, params int[] shape) => tensors[name] = (Make(Gpu, data, shape), Make(Cpu, data, shape));
        (Tensor, Tensor) Empty(string name, params int[] shape) => tensors[name] = (Gpu.Allocate(DType.Float32, shape), Cpu.Allocate(DType.Float32, shape));
        try
        {
            var (gx, cx) = Pair("x", x, n, c, s); var (gdy, cdy) = Pair("dy", dy, n, c, s);
            var (gg, cg) = Pair("gamma", gamma, c); var (gb, cb) = Pair("beta", beta, c);
            var (gmm, cmm) = Pair("moving mean", movingMean, c); var (gmv, cmv) = Pair("moving variance", movingVariance, c);
            var (gy, cy) = Empty("y", n, c, s); var (gdx, cdx) = Empty("dx", n, c, s);
            var (gbm, cbm) = Empty("batch mean", c); var (gbi, cbi) = Empty("batch inv std", c);
            var (gdg, cdg) = Empty("dGamma", c); var (gdb, cdb) = Empty("dBeta", c);

            Gpu.BatchNormTraining(gx, gg, gb, gmm, gmv, 0.99, 1e-3, gy, gbm, gbi, relu);
            Cpu.BatchNormTraining(cx, cg, cb, cmm, cmv, 0.99, 1e-3, cy, cbm, cbi, relu);
            foreach (string name in new[] { "y", "batch mean", "batch inv std", "moving mean", "moving variance" })
                AssertMatches(tensors[name].Gpu, tensors[name].Cpu, 2e-5, name);

            Gpu.BatchNormBackward(gx, gdy, gg, gbm, gbi, gdx, gdg, gdb, relu ? gy : null);
            Cpu.BatchNormBackward(cx, cdy, cg, cbm, cbi, cdx, cdg, cdb, relu ? cy : null);
            AssertMatches(gdx, cdx, 1e-4, "dx");
            AssertMatches(gdg, cdg, 1e-4, "dGamma");
            AssertMatches(gdb, cdb, 1e-4, "dBeta");

            Gpu.BatchNormInference(gx, gg, gb, gmm, gmv, 1e-3, gy, relu);
            Cpu.BatchNormInference(cx, cg, cb, cmm, cmv, 1e-3, cy, relu);
            AssertMatches(gy, cy, 1e-5, "inference y");
        }
        finally
        {
            foreach (var (g, cpu) in tensors.Values) { g.Dispose(); cpu.Dispose(); }
        }
    }
}
