using System.CommandLine;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Devices.Cuda;
using NativeCnn.Engine.Devices.OpenCl;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// <c>nativecnn devices</c>: what --device can name on this machine: the CPU (SIMD width,
/// cores), every OpenCL platform and device, every CUDA device, or why there are none.
/// </summary>
public static class DevicesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("devices", "List the compute devices --device can use (CPU, OpenCL, CUDA)");
        command.SetAction(_ => ErrorHandling.Run(() =>
        {
            foreach (string line in Describe()) Console.WriteLine(line);
            return 0;
        }));
        return command;
    }

    /// <summary>The listing, one line per device or per reason a backend has none.</summary>
    public static IEnumerable<string> Describe()
    {
        yield return $"cpu: {MachineInfo.Describe()}, {CpuDevice.SimdBits}-bit SIMD";
        yield return "cpu:im2col: the same CPU with every convolution on im2col + GEMM (no Winograd), for comparisons";

        if (OpenClDevice.TryEnumerate(out var openCl, out string openClReason))
        {
            string? platform = null;
            foreach (var d in openCl)
            {
                if (d.Platform != platform)
                {
                    platform = d.Platform;
                    yield return $"OpenCL platform: {d.Platform} ({d.PlatformVersion})";
                }
                yield return $"  opencl:{d.Index}: {d.Name}, {d.ComputeUnits} compute units, {Gib(d.GlobalMemoryBytes)} GiB, " +
                             $"max work-group {d.MaxWorkGroupSize}, fp64 {(d.SupportsFloat64 ? "yes" : "no")}";
            }
        }
        else yield return $"opencl: none ({openClReason})";

        if (CudaDevice.TryEnumerate(out var cuda, out string cudaReason))
            foreach (var d in cuda)
                yield return $"cuda:{d.Index}: {d.Name}, compute capability {d.ComputeCapabilityMajor}.{d.ComputeCapabilityMinor}, " +
                             $"{d.Multiprocessors} SMs, {Gib(d.TotalMemoryBytes)} GiB";
        else yield return $"cuda: none ({cudaReason})";
    }

    private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
