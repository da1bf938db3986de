using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Devices.Cuda;

/// <summary>
/// The CUDA backend: the same kernels as <see cref="OpenCl.OpenClDevice"/> (OpenCL C, mapped onto
/// CUDA by cuda_compat.h) compiled by NVRTC for the device's compute capability and launched
/// through the driver API. Needs the NVIDIA driver (libcuda) and NVRTC at run time.
/// </summary>
public sealed class CudaDevice : GpuDevice
{
    /// <summary>Opens CUDA device <paramref name="index"/>.</summary>
    /// <param name="index">N of <c>--device cuda:N</c>, the CUDA ordinal.</param>
    /// <exception cref="GpuException">No driver, no such device, NVRTC missing, or the context cannot be created.</exception>
    public CudaDevice(int index = 0) : base(Open(index)) { }

    private static CudaBackend Open(int index)
    {
        List<CudaDeviceInfo> devices = CudaDiscovery.FindAll();
        if (devices.Count == 0) throw new GpuException("no CUDA device found: the driver loaded but reports no device");
        if (index < 0 || index >= devices.Count)
            throw new GpuException($"no CUDA device {index}: there {(devices.Count == 1 ? "is 1 device" : $"are {devices.Count} devices")} (0 to {devices.Count - 1})");
        return new CudaBackend(devices[index]);
    }

    /// <inheritdoc/>
    private protected override string SourceText => GpuKernelSource.Cuda;

    /// <summary>All CUDA devices by ordinal.</summary>
    /// <exception cref="GpuException">The driver cannot be loaded or initialised.</exception>
    public static IReadOnlyList<CudaDeviceInfo> Enumerate() => CudaDiscovery.FindAll();

    /// <summary>Like <see cref="Enumerate"/>, but returns false with the reason instead of throwing.</summary>
    /// <param name="devices">The devices found (empty on failure).</param>
    /// <param name="reason">Why CUDA is unusable, when the result is false; empty otherwise.</param>
    public static bool TryEnumerate(out IReadOnlyList<CudaDeviceInfo> devices, out string reason) =>
        GpuDiscovery.TryEnumerate(Enumerate, "the CUDA driver reports no device", out devices, out reason);
}
