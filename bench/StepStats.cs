using System.Diagnostics;
using System.Text.Json;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Bench;

/// <summary>
/// `dotnet run -c Release --project bench -- step-stats [--device D] [--models a,b] [--batch 8,32] [--steps 2] [--json]`:
/// what one training step asks of the device, counted by <see cref="DeviceCounters"/>: kernel launches (device-side
/// copies included), host-to-device and device-to-host copies with their bytes, and device allocations with their
/// bytes. Each step uploads a batch of images and labels as the trainer does, runs forward, the fused loss (whose
/// result is the step's read-back), backward and Adam. Step 1 loads the kernels and allocates the buffers; from step 2
/// on a device-resident step should allocate nothing, read back once, and launch as many kernels at any batch size.
/// </summary>
/// <remarks>With --json, one line per step: <c>{"model", "batch", "step", "launches", "h2d": {"count", "bytes"},
/// "d2h": {"count", "bytes"}, "allocations": {"count", "bytes"}, "ms"}</c>.</remarks>
public static class StepStats
{
    /// <summary>A count of operations and the bytes they moved or allocated.</summary>
    /// <param name="Count">Operations.</param>
    /// <param name="Bytes">Bytes.</param>
    public sealed record Traffic(long Count, long Bytes);

    /// <summary>One step's counters.</summary>
    /// <param name="Model">Architecture name.</param>
    /// <param name="Batch">Images per step.</param>
    /// <param name="Step">1 for the first (warm-up) step.</param>
    /// <param name="Launches">Kernel launches, device-side copies included.</param>
    /// <param name="H2d">Host-to-device copies.</param>
    /// <param name="D2h">Device-to-host copies.</param>
    /// <param name="Allocations">Device allocations.</param>
    /// <param name="Ms">Wall time of the step, milliseconds.</param>
    public sealed record Result(string Model, int Batch, int Step, long Launches, Traffic H2d, Traffic D2h, Traffic Allocations, double Ms);

    /// <summary>Runs the count and prints a table, or JSON lines with --json.</summary>
    public static void Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        var models = Arg("--models", "seed002").Split(',');
        int[] batches = Arg("--batch", "8,32").Split(',').Select(int.Parse).ToArray();
        int steps = int.Parse(Arg("--steps", "2"));
        string device = Arg("--device", "cpu");
        bool json = args.Contains("--json");
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        if (!json) Console.WriteLine($"device {device}; per training step: kernel launches, copies host→device (h2d) and device→host (d2h), allocations");
        if (!json) Console.WriteLine($"{"model",-16} {"batch",5} {"step",4} {"launches",8} {"h2d",18} {"d2h",14} {"allocations",20} {"ms",9}");
        foreach (string model in models)
            foreach (int batch in batches)
                foreach (var r in Measure(model, device, batch, steps))
                    Console.WriteLine(json ? JsonSerializer.Serialize(r, options)
                        : $"{r.Model,-16} {r.Batch,5} {r.Step,4} {r.Launches,8} {Format(r.H2d),18} {Format(r.D2h),14} {Format(r.Allocations),20} {r.Ms,9:F1}");
    }

    private static string Format(Traffic t) => $"{t.Count} ({t.Bytes:N0} B)";

    /// <summary>Counts <paramref name="steps"/> training steps of one model at one batch size.</summary>
    public static IEnumerable<Result> Measure(string model, string deviceName, int batch, int steps)
    {
        using var fixture = new ModelFixture(model, batch, deviceName);
        var device = fixture.Device;
        var random = new Random(3);
        var images = new float[fixture.Input.Length];
        for (int i = 0; i < images.Length; i++) images[i] = random.NextSingle();
        int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(fixture.Model.ClassCount)).ToArray();
        var results = new List<Result>();
        for (int step = 1; step <= steps; step++)
        {
            device.Synchronize();
            var before = device.Counters.Snapshot();
            var clock = Stopwatch.StartNew();
            device.Upload<float>(fixture.Input, images);
            device.Upload<int>(fixture.Labels, labels);
            fixture.TrainStep();
            device.Synchronize();
            var after = device.Counters;
            results.Add(new Result(model, batch, step, after.KernelLaunches - before.KernelLaunches,
                new Traffic(after.HostToDeviceCopies - before.HostToDeviceCopies, after.HostToDeviceBytes - before.HostToDeviceBytes),
                new Traffic(after.DeviceToHostCopies - before.DeviceToHostCopies, after.DeviceToHostBytes - before.DeviceToHostBytes),
                new Traffic(after.Allocations - before.Allocations, after.AllocatedBytes - before.AllocatedBytes),
                clock.Elapsed.TotalMilliseconds));
        }
        return results;
    }
}
