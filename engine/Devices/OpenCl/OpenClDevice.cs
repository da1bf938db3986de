using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Devices.OpenCl;

/// <summary>
/// The OpenCL backend: the shared GPU kernels (engine/Devices/Gpu/Kernels, OpenCL C 1.2) built by
/// the platform's compiler for one device. Any conformant OpenCL 1.2+ device works, from GPUs to
/// PoCL running on the CPU.
/// </summary>
public sealed class OpenClDevice : GpuDevice
{
    /// <summary>Opens device <paramref name="index"/> of <see cref="Enumerate"/> (all platforms' devices in order).</summary>
    /// <param name="index">N of <c>--device opencl:N</c>.</param>
    /// <exception cref="GpuException">OpenCL is not installed, there is no such device, or the context cannot be created.</exception>
    public OpenClDevice(int index = 0) : base(Open(index)) { }

    private static OpenClBackend Open(int index)
    {
        List<OpenClDiscovery.Found> devices = OpenClDiscovery.FindAll();
        if (devices.Count == 0)
            throw new GpuException("no OpenCL device found: the OpenCL loader is installed but no platform reports a device (install an ICD, e.g. pocl-opencl-icd)");
        if (index < 0 || index >= devices.Count)
            throw new GpuException($"no OpenCL device {index}: there {(devices.Count == 1 ? "is 1 device" : $"are {devices.Count} devices")} (0 to {devices.Count - 1})");
        return new OpenClBackend(devices[index]);
    }

    /// <inheritdoc/>
    private protected override string SourceText => GpuKernelSource.OpenCl;

    /// <summary>All OpenCL devices of all platforms; <c>opencl:N</c> opens entry N.</summary>
    /// <exception cref="GpuException">The OpenCL library cannot be loaded or a query fails.</exception>
    public static IReadOnlyList<OpenClDeviceInfo> Enumerate() => OpenClDiscovery.FindAll().Select(f => f.Info).ToList();

    /// <summary>Like <see cref="Enumerate"/>, but returns false with the reason instead of throwing.</summary>
    /// <param name="devices">The devices found (empty on failure).</param>
    /// <param name="reason">Why OpenCL is unusable, when the result is false; empty otherwise.</param>
    public static bool TryEnumerate(out IReadOnlyList<OpenClDeviceInfo> devices, out string reason) =>
        GpuDiscovery.TryEnumerate(Enumerate, "no OpenCL platform reports a device", out devices, out reason);
}
