using System.Diagnostics;
using System.Text.Json;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- gemm-sweep --device cuda [--sizes 1024,2048,4096,8192]
/// [--models seed002,nativecnn-vgg] [--batch 256] [--variants all|plan|NAME,NAME] [--repeats 5] [--json]</c>: every GEMM
/// tile shape of the GPU device (<see cref="GemmVariant"/>), forced one at a time, on square SGEMMs (GFLOP/s) and on
/// every Conv2D layer of the models (forward, data gradient and kernel gradient, ms and GFLOP/s), next to the planner's
/// own choice (<c>plan</c>). One short GPU session measures them all; the table shows which tile each shape should get.
/// </summary>
/// <remarks>
/// Each measurement: one warm-up call (loads and compiles the kernel), then the median of <c>--repeats</c> timed
/// batches of calls (at least 3 calls and 50 ms each), synchronised. A variant that does not fit the device (more
/// threads per group than it has: every GPU shape on ilgpu-cpu) is left out. With --json, one line per measurement:
/// <c>{"kind": "sgemm"|"conv", "shape", "pass", "variant", "plan", "ms", "gflops"}</c>.
/// <c>--device ilgpu-sim</c> runs the GPU shapes on ILGPU's CPU accelerator with 256-thread groups (tiny sizes only).
/// </remarks>
public static class GemmSweep
{
    /// <summary>One measurement.</summary>
    /// <param name="Kind">"sgemm" or "conv".</param>
    /// <param name="Shape">m x n x k, or the layer.</param>
    /// <param name="Pass">"C = A·B", "forward", "data gradient", "kernel gradient".</param>
    /// <param name="Variant">The forced tile shape, or "plan".</param>
    /// <param name="Plan">The tile and splits the launch used.</param>
    /// <param name="Ms">Median milliseconds per call.</param>
    /// <param name="Gflops">2·m·n·k per call over its time.</param>
    public sealed record Result(string Kind, string Shape, string Pass, string Variant, string Plan, double Ms, double Gflops);

    /// <summary>Runs the sweep and prints a table, or JSON lines with --json.</summary>
    public static void Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        string deviceName = Arg("--device", "cuda");
        int[] sizes = Arg("--sizes", "1024,2048,4096,8192").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        string[] models = Arg("--models", "seed002,nativecnn-vgg").Split(',', StringSplitOptions.RemoveEmptyEntries);
        int batch = int.Parse(Arg("--batch", "256")), repeats = int.Parse(Arg("--repeats", "5"));
        bool json = args.Contains("--json");
        using var device = BenchDevices.Create(deviceName);
        if (device is not GpuDevice gpu) throw new ArgumentException($"gemm-sweep measures the GPU device's GEMM tiles; --device {deviceName} is not a GPU device");
        var variants = Variants(Arg("--variants", "all"), gpu);
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        void Print(Result r) => Console.WriteLine(json ? JsonSerializer.Serialize(r, options)
            : $"{r.Kind,-6} {r.Shape,-30} {r.Pass,-16} {r.Variant,-20} {r.Plan,-26} {r.Ms,10:F3} {r.Gflops,10:F1}");
        if (!json)
        {
            Console.WriteLine($"{device.Name}: GEMM tile shapes, median of {repeats} timed batches; variants {string.Join(", ", variants.Select(Name))}");
            Console.WriteLine($"{"kind",-6} {"shape",-30} {"pass",-16} {"variant",-20} {"plan used",-26} {"ms",10} {"GFLOP/s",10}");
        }
        foreach (int n in sizes)
            foreach (var variant in variants)
                Print(Sgemm(gpu, n, variant, repeats));
        foreach (string model in models)
            foreach (var (layer, g) in ConvLayers(model, batch))
                foreach (var variant in variants)
                    foreach (var r in Convolution(gpu, $"{model} {layer}", g, variant, repeats))
                        Print(r);
    }

    private static string Name(GemmVariant? v) => v?.ToString() ?? "plan";

    private static List<GemmVariant?> Variants(string spec, GpuDevice gpu)
    {
        int maxThreads = gpu.GemmTarget.MaxThreadsPerGroup;
        bool Fits(GemmVariant v) => GemmPlanner.Shape(v, 4).Threads <= maxThreads;
        var list = new List<GemmVariant?> { null };
        if (spec == "plan") return list;
        var chosen = spec == "all" ? Enum.GetValues<GemmVariant>() : spec.Split(',').Select(Enum.Parse<GemmVariant>).ToArray();
        list.AddRange(chosen.Where(Fits).Select(v => (GemmVariant?)v));
        return list;
    }

    private static Result Sgemm(GpuDevice device, int n, GemmVariant? variant, int repeats)
    {
        var random = new Random(n);
        float[] host = new float[(long)n * n > int.MaxValue ? throw new ArgumentException($"size {n} is too large") : n * n];
        for (int i = 0; i < host.Length; i++) host[i] = random.NextSingle() - 0.5f;
        using var a = device.Allocate(DType.Float32, n, n);
        using var b = device.Allocate(DType.Float32, n, n);
        using var c = device.Allocate(DType.Float32, n, n);
        device.Upload<float>(a, host);
        device.Upload<float>(b, host);
        device.ForcedGemmPlan = variant is { } v ? new GemmPlan(v, 0) : null;
        try
        {
            double ms = Time(device, () => device.MatMul(a, false, b, false, c, 0), repeats);
            return new Result("sgemm", $"{n}x{n}x{n}", "C = A·B", Name(variant), Describe(device.LastGemmPlan), ms, 2.0 * n * n * n / ms / 1e6);
        }
        finally { device.ForcedGemmPlan = null; }
    }

    private static IEnumerable<Result> Convolution(GpuDevice device, string name, Conv2DGeometry g, GemmVariant? variant, int repeats)
    {
        var random = new Random(1);
        Tensor Random(params int[] shape)
        {
            var t = device.Allocate(DType.Float32, shape);
            var host = new float[t.Length];
            for (int i = 0; i < host.Length; i++) host[i] = random.NextSingle() - 0.5f;
            device.Upload<float>(t, host);
            return t;
        }
        using var x = Random(g.Batch, g.InChannels, g.InHeight, g.InWidth);
        using var kernel = Random(g.OutChannels, g.InChannels, g.KernelHeight, g.KernelWidth);
        using var bias = Random(g.OutChannels);
        using var y = device.Allocate(DType.Float32, g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        using var dy = Random(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        using var dx = device.Allocate(DType.Float32, g.Batch, g.InChannels, g.InHeight, g.InWidth);
        using var dKernel = device.Allocate(DType.Float32, g.OutChannels, g.InChannels, g.KernelHeight, g.KernelWidth);
        double flop = 2.0 * g.Batch * g.OutPixels * g.OutChannels * g.PatchSize;
        string shape = $"{name} {g.InChannels}x{g.InHeight}x{g.InWidth}->{g.OutChannels}";
        device.ForcedGemmPlan = variant is { } v ? new GemmPlan(v, 0) : null;
        try
        {
            double forward = Time(device, () => device.Conv2DForward(x, kernel, bias, y, g, relu: true), repeats);
            string forwardPlan = Describe(device.LastGemmPlan);
            // The data gradient alone is not a device call: time both gradients, then the kernel gradient alone.
            double both = Time(device, () => device.Conv2DBackward(x, kernel, dy, dx, dKernel, null, g), repeats);
            string dataPlan = Describe(device.LastGemmPlan);
            double kernelOnly = Time(device, () => device.Conv2DBackward(x, kernel, dy, null, dKernel, null, g), repeats);
            string kernelPlan = Describe(device.LastGemmPlan);
            return
            [
                new Result("conv", shape, "forward", Name(variant), forwardPlan, forward, flop / forward / 1e6),
                new Result("conv", shape, "data gradient", Name(variant), dataPlan, Math.Max(both - kernelOnly, 1e-6), flop / Math.Max(both - kernelOnly, 1e-6) / 1e6),
                new Result("conv", shape, "kernel gradient", Name(variant), kernelPlan, kernelOnly, flop / kernelOnly / 1e6),
            ];
        }
        finally { device.ForcedGemmPlan = null; }
    }

    private static string Describe(GemmPlan plan) => plan.Splits > 1 ? $"{plan.Variant} split {plan.Splits}" : plan.Variant.ToString();

    /// <summary>The Conv2D layers of models/<paramref name="model"/>.json with their geometry at <paramref name="batch"/>.</summary>
    internal static IEnumerable<(string Layer, Conv2DGeometry Geometry)> ConvLayers(string model, int batch)
    {
        using var host = new NativeCnn.Engine.Devices.Reference.ReferenceDevice();
        using var built = Sequential.Build(ArchitectureSpec.Load(ModelFixture.ModelPath(model)), host, seed: 1);
        var result = new List<(string, Conv2DGeometry)>();
        foreach (var layer in built.Layers.OfType<Conv2D>())
        {
            int[] input = layer.InputShape;
            result.Add((layer.Name, Conv2DGeometry.Create(batch, input[0], input[1], input[2], layer.Filters, layer.KernelSize.Height, layer.KernelSize.Width,
                layer.Strides.Height, layer.Strides.Width, layer.Padding)));
        }
        return result;
    }

    /// <summary>Median milliseconds per call of <paramref name="call"/> (after one warm-up call), each timed batch
    /// synchronised.</summary>
    internal static double Time(Device device, Action call, int repeats)
    {
        call();
        device.Synchronize();
        var clock = Stopwatch.StartNew();
        call();
        device.Synchronize();
        double once = clock.Elapsed.TotalMilliseconds;
        int calls = (int)Math.Clamp(50 / Math.Max(once, 1e-3), 3, 1000);
        var times = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            clock.Restart();
            for (int i = 0; i < calls; i++) call();
            device.Synchronize();
            times.Add(clock.Elapsed.TotalMilliseconds / calls);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
