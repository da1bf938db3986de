using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary><c>nativecnn devices</c>, the names <c>--device</c> takes, and the reasons a GPU runtime or device is refused.</summary>
public class DeviceTests
{
    [Test]
    public void Devices_lists_the_cpu_the_reference_ilgpu_cpu_and_every_gpu_runtime_or_why_it_has_none()
    {
        var (code, output, error) = Cli.Run("devices");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("cpu: ").And.Contain("-bit SIMD").And.Contain("cpu:im2col: ").And.Contain("reference: "));
        Assert.That(output, Does.Contain("ilgpu-cpu: CPUAccelerator").And.Contain("warp size").And.Contain("max group"));
        Assert.That(output, Does.Contain("\ncuda"), "a CUDA line: devices or the reason there are none");
        Assert.That(output, Does.Contain("\nopencl"), "an OpenCL line: devices, refusals or the reason there are none");
    }

    /// <summary>Where an OpenCL platform exists but ILGPU refuses its devices (Debian 12's PoCL 3.1: no generic address
    /// space), the listing and --device opencl both say why, in one line.</summary>
    [Test]
    public void A_refused_opencl_device_is_explained()
    {
        var refused = GpuRuntime.List().Where(d => d.DeviceName == "opencl" && d.Description.Length > 0).ToList();
        if (refused.Count == 0) Assert.Ignore("no OpenCL device that ILGPU refuses on this machine");
        Assert.That(refused[0].Refusal, Does.Contain("ILGPU needs"));
        var (_, output, _) = Cli.Run("devices");
        Assert.That(output, Does.Contain("opencl: refused: " + refused[0].Description));
        if (GpuRuntime.List().Any(d => d.DeviceName.StartsWith("opencl:", StringComparison.Ordinal))) return;
        var e = Assert.Throws<ArgumentException>(() => DeviceFactory.Create("opencl").Dispose());
        Assert.That(e!.Message, Does.StartWith("--device opencl: no OpenCL device that ILGPU accepts; refused: ").And.Contain(refused[0].Refusal!));
    }

    /// <summary>Only the versioned libOpenCL.so.1 ships with the OpenCL loader; the resolver makes ILGPU find it.</summary>
    [Test]
    public void The_opencl_runtime_is_found_through_its_versioned_library_name()
    {
        bool versioned = System.Runtime.InteropServices.NativeLibrary.TryLoad("libOpenCL.so.1", out _);
        if (!versioned) Assert.Ignore("libOpenCL.so.1 is not installed (scripts/install-opencl.sh installs it)");
        var lines = GpuRuntime.List().Where(d => d.DeviceName.StartsWith("opencl", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Is.Not.Empty);
        Assert.That(lines.Select(l => l.Refusal ?? ""), Has.None.Contain("no OpenCL loader"), "ILGPU loaded libOpenCL.so.1");
    }

    [TestCase("gpu", "unknown device 'gpu'")]
    [TestCase("cpu:1", "takes no index")]
    [TestCase("opencl:two", "expected opencl:N")]
    [TestCase("cuda:-1", "expected cuda:N")]
    [TestCase("opencl:99", "--device opencl:99: ")]
    [TestCase("cuda:99", "--device cuda:99: ")]
    public void Bad_device_names_are_one_clear_line(string name, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceFactory.Create(name).Dispose());
        Assert.That(e!.Message, Does.Contain(expected).And.Not.Contain("\n"));
    }

    [TestCase("cpu", "cpu ("), TestCase("CPU:im2col", "cpu ("), TestCase("reference", "reference ("), TestCase("ilgpu-cpu", "ilgpu-cpu (")]
    public void Every_device_that_exists_everywhere_opens(string name, string prefix)
    {
        using var device = DeviceFactory.Create(name);
        Assert.That(device.Name, Does.StartWith(prefix));
    }

    [Test]
    public void A_missing_cuda_driver_is_one_clear_line()
    {
        if (GpuRuntime.List().Any(d => d.DeviceName.StartsWith("cuda:", StringComparison.Ordinal))) Assert.Ignore("this machine has a CUDA device");
        var (code, _, error) = Cli.Run("gradcheck", "--layer", "Flatten", "--device", "cuda");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Does.StartWith("error: --device cuda: ").And.Not.Contain("\n").And.Not.Contain(" at "));
    }
}
