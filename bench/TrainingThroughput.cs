using System.Diagnostics;
using System.Text.Json;
using NativeCnn.Engine.Devices;

namespace NativeCnn.Bench;

/// <summary>
/// `dotnet run -c Release --project bench -- train-throughput [--models a,b] [--batch 64[,256]] [--infer-batch 256]
/// [--steps 10] [--repeats 5] [--device cpu|ilgpu-cpu|cuda[:N]|opencl[:N]] [--json]`: images per second of a full training
/// step (forward, fused loss, backward, Adam) at each training batch size and of inference, per seed model, on random
/// 48x48 inputs, as the median of several timed rounds after a warm-up (the machine is shared), plus the process's peak
/// resident memory after training and after inference. One device serves every model and batch size of a run, so a
/// GPU compiles its kernels once. Run one model per process (as compare_pytorch.py does) for per-model memory: the peak
/// is process-wide.
/// </summary>
public static class TrainingThroughput
{
    /// <summary>One model's measurement at one training batch size.</summary>
    /// <param name="Model">Architecture name.</param>
    /// <param name="TrainBatch">Images per training step.</param>
    /// <param name="TrainImagesPerSecond">Median training throughput.</param>
    /// <param name="InferenceBatch">Images per inference call.</param>
    /// <param name="InferenceImagesPerSecond">Median inference throughput.</param>
    /// <param name="TrainPeakResidentMiB">Peak resident set size of the process (VmHWM) after training, before any inference, MiB.</param>
    /// <param name="PeakResidentMiB">Peak resident set size of the process after inference too, MiB.</param>
    /// <param name="Device">The device's name.</param>
    public sealed record Result(string Model, int TrainBatch, double TrainImagesPerSecond, int InferenceBatch, double InferenceImagesPerSecond,
        double TrainPeakResidentMiB, double PeakResidentMiB, string Device);

    /// <summary>Runs the measurement and prints a table, or JSON lines with --json.</summary>
    public static void Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        var models = Arg("--models", "seed001-shallow,seed001-deep,seed002,seed004").Split(',');
        int[] batches = Arg("--batch", "64").Split(',').Select(int.Parse).ToArray();
        int inferBatch = int.Parse(Arg("--infer-batch", "256"));
        int steps = int.Parse(Arg("--steps", "10")), repeats = int.Parse(Arg("--repeats", "5"));
        bool json = args.Contains("--json");
        using var device = BenchDevices.Create(Arg("--device", "cpu"));
        if (!json) Console.WriteLine($"device {device.Name}; inference batch {inferBatch}, median of {repeats} x {steps} steps");
        if (!json) Console.WriteLine($"{"model",-16} {"batch",6} {"train img/s",12} {"infer img/s",12} {"train RSS MiB",14} {"peak RSS MiB",13}");
        foreach (var name in models)
            foreach (var r in Measure(name, device, batches, inferBatch, steps, repeats))
                Console.WriteLine(json ? JsonSerializer.Serialize(r) : $"{r.Model,-16} {r.TrainBatch,6} {r.TrainImagesPerSecond,12:F1} {r.InferenceImagesPerSecond,12:F1} {r.TrainPeakResidentMiB,14:F0} {r.PeakResidentMiB,13:F0}");
    }

    /// <summary>Measures one model: training at each of <paramref name="batches"/>, then inference (reported with each).</summary>
    public static IReadOnlyList<Result> Measure(string name, Device device, int[] batches, int inferBatch, int steps, int repeats)
    {
        var train = new List<(int Batch, double Rate)>();
        ModelFixture? last = null;
        try
        {
            foreach (int batch in batches)
            {
                last?.Dispose();
                last = new ModelFixture(name, batch, device, ownsDevice: false);
                train.Add((batch, MedianRate(last.TrainStep, device.Synchronize, batch, steps, repeats)));
            }
            // Read before inference: VmHWM only grows, and inference at a larger batch needs larger activations.
            double trainPeak = PeakResidentMiB();
            using var xi = ModelFixture.Inputs(device, last!.Model, inferBatch, new Random(2));
            var model = last.Model;
            double infer = MedianRate(() => model.Predict(xi), device.Synchronize, inferBatch, Math.Max(1, steps / 2), repeats);
            double peak = PeakResidentMiB();
            return train.Select(t => new Result(name, t.Batch, t.Rate, inferBatch, infer, trainPeak, peak, device.Name)).ToList();
        }
        finally { last?.Dispose(); }
    }

    private static double MedianRate(Action step, Action synchronize, int imagesPerStep, int steps, int repeats)
    {
        for (int i = 0; i < 3; i++) step(); // warm-up: JIT tiers, buffer allocation, packing workspaces, kernel compilation
        synchronize();
        var rates = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int s = 0; s < steps; s++) step();
            synchronize(); // a GPU queue must drain before the clock stops
            rates.Add(imagesPerStep * steps / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }

    /// <summary>VmHWM from /proc/self/status, MiB (0 where unavailable).</summary>
    public static double PeakResidentMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line == null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (IOException) { return 0; }
    }
}
