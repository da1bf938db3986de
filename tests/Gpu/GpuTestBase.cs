using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Tests.Gpu;

/// <summary>
/// Base of the cross-backend tests: each derived fixture runs once per GPU backend and compares
/// every operation against the <see cref="CpuDevice"/> on the same random inputs.
/// </summary>
[TestFixture(GpuTestDevices.OpenCl)]
[TestFixture(GpuTestDevices.Cuda)]
public abstract class GpuTestBase(string backend)
{
    protected static readonly CpuDevice Cpu = new();

    protected string Backend { get; } = backend;

    protected GpuDevice Gpu { get; private set; } = null!;

    [SetUp]
    public void OpenDevice() => Gpu = GpuTestDevices.Require(Backend);

    /// <summary>A float32 tensor with the given contents on <paramref name="device"/>.</summary>
    protected static Tensor Make(Device device, float[] data, params int[] shape)
    {
        var t = device.Allocate(DType.Float32, shape);
        device.Upload<float>(t, data);
        return t;
    }

    /// <summary>A float64 tensor with the given contents on <paramref name="device"/>.</summary>
    protected static Tensor Make(Device device, double[] data, params int[] shape)
    {
        var t = device.Allocate(DType.Float64, shape);
        device.Upload<double>(t, data);
        return t;
    }

    /// <summary>An Int32 tensor with the given contents on <paramref name="device"/>.</summary>
    protected static Tensor Make(Device device, int[] data, params int[] shape)
    {
        var t = device.Allocate(DType.Int32, shape);
        device.Upload<int>(t, data);
        return t;
    }

    /// <summary>The float32 elements of a tensor on any device.</summary>
    protected static float[] Read(Tensor t)
    {
        var host = new float[t.Length];
        t.Device.Download<float>(t, host);
        return host;
    }

    /// <summary>The Int32 elements of a tensor on any device.</summary>
    protected static int[] ReadInts(Tensor t)
    {
        var host = new int[t.Length];
        t.Device.Download<int>(t, host);
        return host;
    }

    /// <summary>Asserts the GPU tensor equals the CPU tensor within tolerance · max(1, |cpu|) element-wise.</summary>
    protected static void AssertMatches(Tensor gpu, Tensor cpu, double tolerance, string what) =>
        Support.RandomData.AssertClose(Read(gpu), Read(cpu), tolerance, what);
}
