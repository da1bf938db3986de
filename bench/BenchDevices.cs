using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Bench;

/// <summary>
/// The devices the bench commands take: every --device name of <see cref="DeviceFactory"/>, and <c>ilgpu-sim</c>, ILGPU's
/// CPU accelerator simulating 256-thread work-groups, on which the GPU's GEMM tile shapes run (very slowly): a way to
/// check a GPU measurement script end to end on a machine without a GPU.
/// </summary>
internal static class BenchDevices
{
    /// <summary>Opens the device called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name or missing device (the message says why).</exception>
    public static Device Create(string name) =>
        name.Trim().Equals("ilgpu-sim", StringComparison.OrdinalIgnoreCase) ? GpuDevice.OpenCpuSimulator(32, 8) : DeviceFactory.Create(name);
}
