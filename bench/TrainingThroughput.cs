using System.Diagnostics;
using System.Text.Json;

namespace NativeCnn.Bench;

/// <summary>
/// `dotnet run -c Release --project bench -- train-throughput [--models a,b] [--batch 64] [--infer-batch 256]
/// [--steps 10] [--repeats 5] [--device cpu|ilgpu-cpu|cuda[:N]|opencl[:N]] [--json]`: images per second of a full training step (forward, fused loss,
/// backward, Adam) and of inference, per seed model, on random 48x48 inputs, as the median of several timed
/// rounds after a warm-up (the machine is shared), plus the process's peak resident memory after training and after inference.
/// Run one model per process (as compare_pytorch.py does) for per-model memory: the peak is process-wide.
/// </summary>
public static class TrainingThroughput
{
    /// <summary>One model's measurement.</summary>
    /// <param name="Model">Architecture name.</param>
    /// <param name="TrainBatch">Images per training step.</param>
    /// <param name="TrainImagesPerSecond">Median training throughput.</param>
    /// <param name="InferenceBatch">Images per inference call.</param>
    /// <param name="InferenceImagesPerSecond">Median inference throughput.</param>
    /// <param name="TrainPeakResidentMiB">Peak resident set size of the process (VmHWM) after training, before any inference, MiB.</param>
    /// <param name="PeakResidentMiB">Peak resident set size of the process after inference too, MiB.</param>
    public sealed record Result(string Model, int TrainBatch, double TrainImagesPerSecond, int InferenceBatch, double InferenceImagesPerSecond,
        double TrainPeakResidentMiB, double PeakResidentMiB);

    /// <summary>Runs the measurement and prints a table, or JSON lines with --json.</summary>
    public static void Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        var models = Arg("--models", "seed001-shallow,seed001-deep,seed002,seed004").Split(',');
        int batch = int.Parse(Arg("--batch", "64")), inferBatch = int.Parse(Arg("--infer-batch", "256"));
        int steps = int.Parse(Arg("--steps", "10")), repeats = int.Parse(Arg("--repeats", "5"));
        bool json = args.Contains("--json");
        string device = Arg("--device", "cpu");
        if (!json) Console.WriteLine($"{"model",-16} {"train img/s",12} {"infer img/s",12} {"train RSS MiB",14} {"peak RSS MiB",13}   (batch {batch} / {inferBatch}, median of {repeats} x {steps} steps)");
        foreach (var name in models)
        {
            var r = Measure(name, device, batch, inferBatch, steps, repeats);
            Console.WriteLine(json ? JsonSerializer.Serialize(r) : $"{r.Model,-16} {r.TrainImagesPerSecond,12:F1} {r.InferenceImagesPerSecond,12:F1} {r.TrainPeakResidentMiB,14:F0} {r.PeakResidentMiB,13:F0}");
        }
    }

    /// <summary>Measures one model.</summary>
    public static Result Measure(string name, string deviceName, int batch, int inferBatch, int steps, int repeats)
    {
        using var fixture = new ModelFixture(name, batch, deviceName);
        double train = MedianRate(fixture.TrainStep, fixture.Device.Synchronize, batch, steps, repeats);
        // Read before inference: VmHWM only grows, and inference at a larger batch needs larger activations.
        double trainPeak = PeakResidentMiB();
        using var xi = ModelFixture.Inputs(fixture.Device, fixture.Model, inferBatch, new Random(2));
        double infer = MedianRate(() => fixture.Model.Predict(xi), fixture.Device.Synchronize, inferBatch, Math.Max(1, steps / 2), repeats);
        return new Result(name, batch, train, inferBatch, infer, trainPeak, PeakResidentMiB());
    }

    private static double MedianRate(Action step, Action synchronize, int imagesPerStep, int steps, int repeats)
    {
        for (int i = 0; i < 3; i++) step(); // warm-up: JIT tiers, buffer allocation, packing workspaces
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
