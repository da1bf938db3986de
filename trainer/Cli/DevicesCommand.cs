using System.CommandLine;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// <c>nativecnn devices</c>: what --device can name on this machine: the CPU (cores, SIMD width), the reference device,
/// ILGPU's CPU accelerator, and every CUDA and OpenCL device ILGPU sees with its facts (memory, compute units, warp
/// size, group size, float64), or why a runtime has none or a device is refused.
/// </summary>
public static class DevicesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("devices", "List the compute devices --device can use (CPU, reference, ILGPU: CUDA, OpenCL, its CPU accelerator)");
        command.SetAction(_ => ErrorHandling.Run(() =>
        {
            foreach (string line in Describe()) Console.WriteLine(line);
            return 0;
        }));
        return command;
    }

    /// <summary>The listing, one line per device or per reason a runtime or device cannot be used.</summary>
    public static IEnumerable<string> Describe()
    {
        yield return $"cpu: {MachineInfo.Describe()}, {CpuDevice.SimdBits}-bit SIMD";
        yield return "cpu:im2col: the same CPU with every convolution on im2col + GEMM (no Winograd), for comparisons";
        yield return "reference: the scalar reference of every operation, one thread (slow: for tests and learners)";
        foreach (var d in GpuRuntime.List())
        {
            if (d.Refusal == null) yield return $"{d.DeviceName}: {d.Description}";
            else if (d.Description.Length == 0) yield return $"{d.DeviceName}: none ({d.Refusal})";
            else yield return $"{d.DeviceName}: refused: {d.Description}: {d.Refusal}";
        }
    }
}
