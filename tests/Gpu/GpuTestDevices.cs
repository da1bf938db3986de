using NativeCnn.Engine.Devices.Cuda;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Devices.OpenCl;

namespace NativeCnn.Tests.Gpu;

/// <summary>
/// One device per GPU backend for the whole run (compiling the kernels once), or the reason there
/// is none. OpenCL tests are skipped without a device unless NATIVECNN_REQUIRE_OPENCL=1, which
/// turns the skip into a failure (CI installs PoCL, so a missing device there is a bug).
/// CUDA tests are skipped where there is no CUDA driver or device.
/// </summary>
[SetUpFixture]
public sealed class GpuTestDevices
{
    public const string OpenCl = "opencl", Cuda = "cuda";

    private static readonly Lazy<(GpuDevice? Device, string Reason)> OpenClDevice = new(() => Open(() => new OpenClDevice(0)));
    private static readonly Lazy<(GpuDevice? Device, string Reason)> CudaDevice = new(() => Open(() => new CudaDevice(0)));

    private static (GpuDevice?, string) Open(Func<GpuDevice> create)
    {
        try { return (create(), ""); }
        catch (GpuException e) { return (null, e.Message); }
    }

    /// <summary>The backend's device, or ends the test as skipped (failed where OpenCL is required).</summary>
    public static GpuDevice Require(string backend)
    {
        var (device, reason) = backend == OpenCl ? OpenClDevice.Value : CudaDevice.Value;
        if (device != null) return device;
        if (backend == OpenCl && Environment.GetEnvironmentVariable("NATIVECNN_REQUIRE_OPENCL") == "1")
            Assert.Fail("no OpenCL device, and NATIVECNN_REQUIRE_OPENCL=1: " + reason);
        Assert.Ignore($"no {(backend == OpenCl ? "OpenCL" : "CUDA")} device: {reason}");
        throw new InvalidOperationException("unreachable: Assert.Ignore throws");
    }

    [OneTimeTearDown]
    public void DisposeDevices()
    {
        if (OpenClDevice.IsValueCreated) OpenClDevice.Value.Device?.Dispose();
        if (CudaDevice.IsValueCreated) CudaDevice.Value.Device?.Dispose();
    }
}
