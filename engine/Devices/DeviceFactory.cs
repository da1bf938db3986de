using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Devices.Reference;

namespace NativeCnn.Engine.Devices;

/// <summary>
/// Creates the device named by --device: <c>cpu</c>, <c>cpu:im2col</c>, <c>reference</c>, <c>ilgpu-cpu</c>,
/// <c>cuda[:N]</c> or <c>opencl[:N]</c>.
/// </summary>
public static class DeviceFactory
{
    /// <summary>
    /// Names --device accepts (N is a device number from <c>nativecnn devices</c>, 0 when left out). <c>cpu:im2col</c> is
    /// the CPU device with every convolution on im2col + GEMM (no Winograd), for comparisons; <c>reference</c> runs the
    /// scalar reference of every operation (slow: for tests and learners); <c>ilgpu-cpu</c> runs the GPU kernels on
    /// ILGPU's CPU accelerator (slow: for tests and debugging).
    /// </summary>
    public static readonly string[] Names = ["cpu", "cpu:im2col", "reference", "ilgpu-cpu", "cuda", "cuda:N", "opencl", "opencl:N"];

    /// <summary>One line for --device help texts: the names and what the slow ones are for.</summary>
    public const string Help = "cpu, cpu:im2col (no Winograd), reference (scalar reference kernels, slow), ilgpu-cpu (GPU kernels on CPU threads, slow), "
        + "cuda[:N] or opencl[:N] (see nativecnn devices)";

    /// <summary>Creates the device.</summary>
    /// <exception cref="ArgumentException">Unknown device name, bad index, missing GPU runtime, no such device, or a
    /// device ILGPU refuses (the message says why).</exception>
    public static Device Create(string name)
    {
        string lower = name.Trim().ToLowerInvariant();
        switch (lower)
        {
            case "cpu": return new CpuDevice();
            case "cpu:im2col": return new CpuDevice(ConvolutionAlgorithm.Im2Col);
            case "reference": return new ReferenceDevice();
            case "ilgpu-cpu": return Open(name, GpuKind.IlgpuCpu, 0);
        }
        int colon = lower.IndexOf(':');
        string kind = colon < 0 ? lower : lower[..colon];
        GpuKind gpu = kind switch
        {
            "cuda" => GpuKind.Cuda,
            "opencl" => GpuKind.OpenCl,
            "cpu" => throw new ArgumentException($"device '{name}': the cpu device takes no index (it uses every core); 'cpu:im2col' turns Winograd off"),
            _ => throw new ArgumentException($"unknown device '{name}'; available: {string.Join(", ", Names)}"),
        };
        int index = 0;
        if (colon >= 0 && (!int.TryParse(lower[(colon + 1)..], out index) || index < 0))
            throw new ArgumentException($"device '{name}': expected {kind}:N with N a device number from 'nativecnn devices'");
        return Open(name, gpu, index);
    }

    private static GpuDevice Open(string name, GpuKind kind, int index)
    {
        try
        {
            return GpuDevice.Open(kind, index);
        }
        catch (GpuException e)
        {
            throw new ArgumentException($"--device {name}: {e.Message}", e);
        }
    }
}
