using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Reference;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Tests.Support;

/// <summary>
/// The devices every operation is tested on, opened once per test run. <c>reference</c>, <c>cpu</c> and
/// <c>ilgpu-cpu</c> exist everywhere and must never skip; <c>opencl</c> and <c>cuda</c> skip, with the reason, where
/// ILGPU finds no such device (e.g. Debian 12's PoCL 3.1, which lacks the generic address space ILGPU needs).
/// </summary>
[SetUpFixture]
public sealed class TestDevices
{
    public const string Reference = "reference", Cpu = "cpu", CpuIm2Col = "cpu:im2col", IlgpuCpu = "ilgpu-cpu", OpenCl = "opencl", Cuda = "cuda";

    /// <summary>ILGPU's CPU accelerator simulating 256-thread groups: the GPU's GEMM tile shapes without a GPU.</summary>
    public const string IlgpuSimulator = "ilgpu-sim";

    /// <summary>Every device kind (fixtures of operations whose CPU path has one algorithm).</summary>
    public static readonly string[] All = [Reference, Cpu, IlgpuCpu, OpenCl, Cuda];

    /// <summary>Every device kind, with the CPU once more without Winograd (convolution fixtures).</summary>
    public static readonly string[] AllWithIm2Col = [Reference, Cpu, CpuIm2Col, IlgpuCpu, OpenCl, Cuda];

    /// <summary>The accelerators that run the GPU kernels (cross-device training steps against the CPU).</summary>
    public static readonly string[] Gpus = [IlgpuCpu, OpenCl, Cuda];

    private static readonly Dictionary<string, (Device? Device, string Reason)> Opened = [];

    /// <summary>The shared reference device, the oracle of every comparison.</summary>
    public static ReferenceDevice ReferenceDevice => (ReferenceDevice)Require(Reference);

    /// <summary>The device called <paramref name="name"/>, or ends the test as skipped when a GPU kind has none here.</summary>
    public static Device Require(string name)
    {
        lock (Opened)
        {
            if (!Opened.TryGetValue(name, out var entry))
            {
                try { entry = (name == IlgpuSimulator ? NativeCnn.Engine.Devices.Gpu.GpuDevice.OpenCpuSimulator(32, 8) : DeviceFactory.Create(name), ""); }
                catch (ArgumentException e) when (name is OpenCl or Cuda) { entry = (null, e.Message); }
                Opened[name] = entry;
            }
            if (entry.Device != null) return entry.Device;
            Assert.Ignore($"no {name} device: {entry.Reason}");
            throw new InvalidOperationException("unreachable: Assert.Ignore throws");
        }
    }

    [OneTimeTearDown]
    public void DisposeDevices()
    {
        foreach (var (device, _) in Opened.Values) device?.Dispose();
        Opened.Clear();
    }
}

/// <summary>
/// Base of the operation fixtures: one instance per device name, each test comparing <see cref="Device"/> with the
/// <see cref="Oracle"/> on the same random inputs: the reference device, or, for the reference device itself, the CPU.
/// </summary>
public abstract class DeviceFixture(string deviceName)
{
    /// <summary>The device under test's --device name.</summary>
    protected string DeviceName { get; } = deviceName;

    /// <summary>The device under test (the test is skipped when it does not exist here).</summary>
    protected Device Device { get; private set; } = null!;

    /// <summary>What the device under test is compared with: the reference device, except for the reference device
    /// itself, which is checked against the CPU device.</summary>
    protected Device Oracle => DeviceName == TestDevices.Reference ? TestDevices.Require(TestDevices.Cpu) : TestDevices.ReferenceDevice;

    /// <summary>True on the devices that run the GPU kernels.</summary>
    protected bool IsGpu => DeviceName is TestDevices.IlgpuCpu or TestDevices.OpenCl or TestDevices.Cuda;

    private readonly List<Tensor> _tensors = [];

    [SetUp]
    public void OpenDevice() => Device = TestDevices.Require(DeviceName);

    /// <summary>Frees every tensor the test made through these helpers.</summary>
    [TearDown]
    public void DisposeTensors()
    {
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
    }

    /// <summary>Keeps <paramref name="t"/> to be freed after the test.</summary>
    protected Tensor Track(Tensor t)
    {
        _tensors.Add(t);
        return t;
    }

    /// <summary>Skips a float64 test on a device without float64 (an OpenCL device without cl_khr_fp64).</summary>
    protected void RequireFloat64()
    {
        if (Device is NativeCnn.Engine.Devices.Gpu.GpuDevice { SupportsFloat64: false })
            Assert.Ignore($"{Device.Name} has no float64 support (cl_khr_fp64)");
    }

    /// <summary>A tensor with these contents on <paramref name="device"/>.</summary>
    protected Tensor Make<T>(Device device, T[] data, params int[] shape) where T : unmanaged
    {
        var t = Track(device.Allocate(DTypeExtensions.Of<T>(), shape));
        device.Upload<T>(t, data);
        return t;
    }

    /// <summary>The elements of a tensor on any device.</summary>
    protected static T[] Read<T>(Tensor t) where T : unmanaged
    {
        var host = new T[t.Length];
        t.Device.Download<T>(t, host);
        return host;
    }

    /// <summary>Asserts |device - reference| ≤ tolerance · max(1, |reference|) element-wise (float32 tensors).</summary>
    protected static void AssertMatches(Tensor actual, Tensor expected, double tolerance, string what) =>
        RandomData.AssertClose(Read<float>(actual), Read<float>(expected), tolerance, what);

    /// <summary>Asserts |device - reference| ≤ tolerance · max(1, |reference|) element-wise (float64 tensors).</summary>
    protected static void AssertMatches64(Tensor actual, Tensor expected, double tolerance, string what) =>
        RandomData.AssertClose(Read<double>(actual), Read<double>(expected), tolerance, what);

    /// <summary>A pair of tensors with the same contents, one on the device under test and one on the oracle.</summary>
    protected (Tensor OnDevice, Tensor OnOracle) Pair<T>(T[] data, params int[] shape) where T : unmanaged =>
        (Make(Device, data, shape), Make(Oracle, data, shape));

    /// <summary>A pair of uninitialised tensors; the device's is filled with NaN (float32) so an output that is not written shows.</summary>
    protected (Tensor OnDevice, Tensor OnOracle) Outputs(DType dtype, params int[] shape)
    {
        var d = Track(Device.Allocate(dtype, shape));
        if (dtype != DType.Int32) Device.Fill(d, double.NaN);
        return (d, Track(Oracle.Allocate(dtype, shape)));
    }
}
