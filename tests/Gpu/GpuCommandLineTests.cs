using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.OpenCl;
using NativeCnn.Trainer.Cli;
using NativeCnn.Trainer.Training;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary><c>nativecnn devices</c> and the GPU names of <c>--device</c>.</summary>
public class GpuCommandLineTests
{
    private static bool OpenClRequired => Environment.GetEnvironmentVariable("NATIVECNN_REQUIRE_OPENCL") == "1";

    [Test]
    public void Devices_lists_the_cpu_and_every_backend_or_why_it_has_none()
    {
        var (code, output, error) = Cli.Run("devices");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("cpu: ").And.Contain("-bit SIMD").And.Contain("cpu:im2col: "));
        Assert.That(output, Does.Contain("cuda:"), "a CUDA line: devices or the reason there are none");
        bool haveOpenCl = OpenClDevice.TryEnumerate(out var devices, out _);
        if (haveOpenCl)
            Assert.That(output, Does.Contain("OpenCL platform: " + devices[0].Platform).And.Contain("opencl:0: " + devices[0].Name));
        else
        {
            Assert.That(OpenClRequired, Is.False, "NATIVECNN_REQUIRE_OPENCL=1 but no OpenCL device: " + output);
            Assert.That(output, Does.Contain("opencl: none ("));
        }
    }

    [TestCase("gpu", "unknown device 'gpu'")]
    [TestCase("cpu:1", "takes no index")]
    [TestCase("opencl:two", "expected opencl:N")]
    [TestCase("cuda:-1", "expected cuda:N")]
    [TestCase("opencl:99", "--device opencl:99: ")]
    [TestCase("cuda:99", "--device cuda:99: ")]
    public void Bad_device_names_are_clear_errors(string name, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceFactory.Create(name).Dispose());
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void Opencl_opens_the_first_device()
    {
        if (!OpenClDevice.TryEnumerate(out _, out string reason))
        {
            if (OpenClRequired) Assert.Fail("NATIVECNN_REQUIRE_OPENCL=1 but no OpenCL device: " + reason);
            Assert.Ignore("no OpenCL device: " + reason);
        }
        using var device = DeviceFactory.Create("OpenCL:0");
        Assert.That(device, Is.InstanceOf<OpenClDevice>());
        Assert.That(device.Name, Does.StartWith("opencl:0 ("));
    }
}
