using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Devices.Cuda;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Devices.OpenCl;

namespace NativeCnn.Engine.Devices;

/// <summary>Creates the backend named by --device: <c>cpu</c>, <c>cpu:im2col</c>, <c>opencl[:N]</c> or <c>cuda[:N]</c>.</summary>
public static class DeviceFactory
{
    /// <summary>Names --device accepts (N is a device index from <c>nativecnn devices</c>, 0 when left out);
    /// <c>cpu:im2col</c> is the CPU backend with every convolution on im2col + GEMM (no Winograd), for comparisons.</summary>
    public static readonly string[] Names = ["cpu", "cpu:im2col", "opencl", "opencl:N", "cuda", "cuda:N"];

    /// <summary>Creates the device.</summary>
    /// <exception cref="ArgumentException">Unknown device name, bad index, missing GPU runtime, or no such device.</exception>
    public static Device Create(string name)
    {
        var (kind, index) = Parse(name);
        try
        {
            return kind switch
            {
                "cpu" => new CpuDevice(),
                Im2Col => new CpuDevice(ConvolutionAlgorithm.Im2Col),
                "opencl" => new OpenClDevice(index),
                "cuda" => new CudaDevice(index),
                _ => throw new InvalidOperationException("unreachable: Parse accepts only known kinds"),
            };
        }
        catch (GpuException e)
        {
            throw new ArgumentException($"--device {name}: {e.Message}", e);
        }
    }

    // The CPU backend without Winograd: a kind of its own, not an index (the cpu device has none).
    private const string Im2Col = "cpu:im2col";

    /// <summary>Splits "opencl:1" into ("opencl", 1); the index defaults to 0.</summary>
    private static (string Kind, int Index) Parse(string name)
    {
        string lower = name.Trim().ToLowerInvariant();
        if (lower == Im2Col) return (Im2Col, 0);
        int colon = lower.IndexOf(':');
        string kind = colon < 0 ? lower : lower[..colon];
        if (kind is not ("cpu" or "opencl" or "cuda"))
            throw new ArgumentException($"unknown device '{name}'; available: {string.Join(", ", Names)}");
        if (colon < 0) return (kind, 0);
        if (kind == "cpu")
            throw new ArgumentException($"device '{name}': the cpu device takes no index (it uses every core); '{Im2Col}' turns Winograd off");
        if (!int.TryParse(lower[(colon + 1)..], out int index) || index < 0)
            throw new ArgumentException($"device '{name}': expected {kind}:N with N a device number from 'nativecnn devices'");
        return (kind, index);
    }
}
