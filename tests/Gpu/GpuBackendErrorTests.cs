using NativeCnn.Engine.Devices.Cuda;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Devices.OpenCl;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Tests.Gpu;

/// <summary>Failures turn into exceptions that name the call, the runtime's error and, for kernels, the build log.</summary>
public class GpuBackendErrorTests(string backend) : GpuTestBase(backend)
{
    private IGpuBackend OpenBackend() => Backend == GpuTestDevices.OpenCl
        ? new OpenClBackend(OpenClDiscovery.FindAll()[0])
        : new CudaBackend(CudaDiscovery.FindAll()[0]);

    [Test]
    public void A_kernel_that_does_not_compile_reports_the_build_log()
    {
        using var raw = OpenBackend();
        // Appended to the real kernels, so CUDA sees it behind its compatibility header.
        string source = (Backend == GpuTestDevices.OpenCl ? GpuKernelSource.OpenCl : GpuKernelSource.Cuda)
            + "__kernel void broken(__global float* x) { x[0] = undefined_name; }\n";
        var e = Assert.Throws<GpuException>(() => raw.Compile(source, []));
        Assert.That(e!.Message, Does.Contain(Backend == GpuTestDevices.OpenCl ? "clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE" : "nvrtcCompileProgram failed"));
        Assert.That(e.Message, Does.Contain("undefined_name"), "the build log names the offending identifier");
    }

    [Test]
    public void An_unknown_kernel_name_is_reported_with_the_call()
    {
        using var raw = OpenBackend();
        nint program = raw.Compile(Backend == GpuTestDevices.OpenCl ? GpuKernelSource.OpenCl : GpuKernelSource.Cuda, []);
        try
        {
            var e = Assert.Throws<GpuException>(() => raw.GetKernel(program, "no_such_kernel"));
            Assert.That(e!.Message, Does.Contain(Backend == GpuTestDevices.OpenCl ? "clCreateKernel failed: CL_INVALID_KERNEL_NAME" : "cuModuleGetFunction failed"));
        }
        finally
        {
            raw.ReleaseProgram(program, []);
        }
    }

    [Test]
    public void A_device_index_out_of_range_is_refused()
    {
        var e = Assert.Throws<GpuException>(() =>
        {
            using var _ = Backend == GpuTestDevices.OpenCl ? (GpuDevice)new OpenClDevice(99) : new CudaDevice(99);
        });
        Assert.That(e!.Message, Does.Contain("no " + (Backend == GpuTestDevices.OpenCl ? "OpenCL" : "CUDA") + " device 99"));
    }

    [Test]
    public void Tensors_of_another_device_are_refused()
    {
        using var cpuTensor = Cpu.Allocate(DType.Float32, 3);
        using var gpuTensor = Gpu.Allocate(DType.Float32, 3);
        Assert.Throws<ArgumentException>(() => Gpu.ReluForward(cpuTensor, gpuTensor));
    }
}
