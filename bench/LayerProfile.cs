using System.Diagnostics;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Bench;

/// <summary>
/// `dotnet run -c Release --project bench -- layer-profile [--models a,b] [--batch 64] [--steps 20] [--device cpu:im2col|cuda]`:
/// where a training step's time goes. Times every layer's forward and backward, the fused loss and the Adam step
/// separately (median over steps), with each layer's GEMM FLOPs, GFLOP/s and (on the CPU) share of the measured FMA
/// peak, so the report shows which layers are compute-bound and which are memory-bound. On a GPU every timed part ends
/// with a synchronisation, so its time is the device's work for that part and not the queueing of launches (without it
/// the loss read-back would absorb the whole step).
/// </summary>
public static class LayerProfile
{
    /// <summary>Runs the profile and prints one table per model.</summary>
    public static void Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        var models = Arg("--models", "seed001-shallow,seed001-deep,seed002,seed004").Split(',');
        int batch = int.Parse(Arg("--batch", "64")), steps = int.Parse(Arg("--steps", "20"));
        string device = Arg("--device", "cpu");
        bool cpu = device.StartsWith("cpu", StringComparison.OrdinalIgnoreCase);
        double peak = cpu ? FmaPeak.AllCores() : double.NaN;
        Console.WriteLine(cpu ? $"FMA peak, {Environment.ProcessorCount} cores: {peak:F1} GFLOP/s; device {device}; batch {batch}; median of {steps} steps"
            : $"device {device}, synchronised after every layer; batch {batch}; median of {steps} steps");
        Console.WriteLine("GFLOP counts the direct convolution's multiply-adds; layers on Winograd do 2.25x fewer, so their rate is effective");
        foreach (var name in models) Profile(name, batch, steps, peak, device);
    }

    private static void Profile(string name, int batch, int steps, double peak, string device)
    {
        using var fixture = new ModelFixture(name, batch, device);
        var (model, x, y, adam, loss) = (fixture.Model, fixture.Input, fixture.Labels, fixture.Adam, fixture.Loss);
        var deviceUnderTest = fixture.Device;
        var layers = model.Layers;
        // Rows: forward and backward of each layer, then the loss and the optimizer.
        var times = new List<double>[2 * layers.Count + 2];
        for (int i = 0; i < times.Length; i++) times[i] = [];
        var total = new List<double>();
        for (int step = -3; step < steps; step++) // three warm-up steps: JIT tiers, buffers, workspaces
        {
            var stepClock = Stopwatch.StartNew();
            var context = new ForwardContext(true, 1, (ulong)adam.Iterations);
            Tensor h = x;
            for (int i = 0; i < layers.Count; i++)
                h = Timed(deviceUnderTest, step, times[2 * i], () => layers[i].Forward(h, context));
            Timed(deviceUnderTest, step, times[^2], () => loss.Compute(h, y, computeGradient: true));
            Tensor? d = loss.Gradient;
            for (int i = layers.Count - 1; i >= 0; i--)
            {
                var dy = d!;
                d = Timed(deviceUnderTest, step, times[2 * i + 1], () => layers[i].Backward(dy, needInputGradient: i > 0));
            }
            Timed(deviceUnderTest, step, times[^1], () => { adam.Step(model.Parameters); return 0; });
            if (step >= 0) total.Add(stepClock.Elapsed.TotalMilliseconds);
        }

        double stepMs = Median(total);
        Console.WriteLine();
        Console.WriteLine($"{name}: {stepMs:F1} ms per step = {batch * 1000 / stepMs:F1} images/s");
        Console.WriteLine($"{"layer",-22} {"pass",-8} {"ms",8} {"share",6} {"GFLOP",7} {"GFLOP/s",8} {"% peak",7}");
        double gemmMs = 0, gemmFlop = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            var (forward, backward) = Flops(layers[i], batch, needInputGradient: i > 0);
            Row($"{layers[i].Name} ({layers[i].TypeName})", "forward", Median(times[2 * i]), forward);
            Row("", "backward", Median(times[2 * i + 1]), backward);
        }
        Row("loss", "fused", Median(times[^2]), 0);
        Row("adam", "update", Median(times[^1]), 0);
        string ofPeak = double.IsNaN(peak) ? "" : $" ({100 * gemmFlop / gemmMs / 1e6 / peak:F0} % of peak)";
        Console.WriteLine($"conv and dense: {gemmFlop / 1e9:F2} GFLOP in {gemmMs:F1} ms = {gemmFlop / gemmMs / 1e6:F1} GFLOP/s" +
                          $"{ofPeak}; everything else {stepMs - gemmMs:F1} ms ({100 * (stepMs - gemmMs) / stepMs:F0} %)");

        void Row(string layer, string pass, double ms, double flop)
        {
            string rate = flop > 0 ? $"{flop / ms / 1e6,8:F1} " + (double.IsNaN(peak) ? "" : $"{100 * flop / ms / 1e6 / peak,6:F0}%") : "";
            Console.WriteLine($"{layer,-22} {pass,-8} {ms,8:F2} {100 * ms / stepMs,5:F1}% {(flop > 0 ? $"{flop / 1e9,7:F2}" : ""),7} {rate}");
            if (flop > 0) { gemmMs += ms; gemmFlop += flop; }
        }
    }

    /// <summary>Multiply-add FLOPs (2 per MAC) of a layer's forward and backward pass as the direct definition counts
    /// them; 0 for layers without a GEMM. Layers that run Winograd do fewer, so their GFLOP/s (and % of peak) is an
    /// effective rate: it can pass 100 %.</summary>
    private static (double Forward, double Backward) Flops(Layer layer, int batch, bool needInputGradient)
    {
        double macs = layer switch
        {
            Conv2D c => (double)c.OutputShape[0] * c.OutputShape[1] * c.OutputShape[2] * c.InputShape[0] * c.KernelSize.Height * c.KernelSize.Width,
            Dense d => (double)d.InputShape[0] * d.Units,
            _ => 0,
        };
        double forward = 2 * macs * batch;
        return (forward, forward * (needInputGradient ? 2 : 1));
    }

    private static T Timed<T>(Device device, int step, List<double> sink, Func<T> action)
    {
        var clock = Stopwatch.StartNew();
        var result = action();
        device.Synchronize();
        if (step >= 0) sink.Add(clock.Elapsed.TotalMilliseconds);
        return result;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
