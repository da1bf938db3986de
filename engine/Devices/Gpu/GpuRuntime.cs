using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>The kinds of accelerator a <see cref="GpuDevice"/> runs on.</summary>
public enum GpuKind
{
    /// <summary>An NVIDIA GPU through the CUDA driver (ILGPU generates PTX; only the driver's libcuda is needed).</summary>
    Cuda,
    /// <summary>An OpenCL 2.0+ device with the generic address space (ILGPU generates OpenCL C).</summary>
    OpenCl,
    /// <summary>ILGPU's CPU accelerator: the same kernels on CPU threads, slowly; for tests and debugging.</summary>
    IlgpuCpu,
}

/// <summary>One accelerator as <c>nativecnn devices</c> lists it.</summary>
/// <param name="DeviceName">The --device name (e.g. "cuda:0"), or "opencl" for a device ILGPU refuses.</param>
/// <param name="Description">Its facts: name, memory, compute units, warp size, group size, float64.</param>
/// <param name="Refusal">Why ILGPU cannot use it, or null when it can.</param>
public sealed record GpuDeviceInfo(string DeviceName, string Description, string? Refusal);

/// <summary>
/// ILGPU set-up shared by every <see cref="GpuDevice"/>: finding the native runtimes, creating contexts, and listing the
/// accelerators of each kind with the reason a runtime or device is unusable.
/// </summary>
public static class GpuRuntime
{
    private static readonly object Gate = new();
    private static bool _resolverInstalled;

    /// <summary>
    /// ILGPU imports the CUDA driver as "cuda" and OpenCL as "OpenCL", which .NET looks for as libcuda.so and
    /// libOpenCL.so: names that only the -dev packages provide (ocl-icd-opencl-dev, the CUDA toolkit). The runtimes
    /// themselves ship libcuda.so.1 and libOpenCL.so.1, so this resolver tries the versioned names too.
    /// </summary>
    internal static void InstallLibraryResolver()
    {
        lock (Gate)
        {
            if (_resolverInstalled) return;
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
            _resolverInstalled = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!OperatingSystem.IsLinux()) return IntPtr.Zero;
        string[] candidates = name switch
        {
            "cuda" => ["libcuda.so", "libcuda.so.1"],
            "OpenCL" => ["libOpenCL.so", "libOpenCL.so.1"],
            _ => [],
        };
        foreach (string candidate in candidates)
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>A context with the accelerators of <paramref name="kind"/> ILGPU accepts, and the Algorithms library
    /// (which supplies exp, log and sqrt where a backend has no instruction for them, e.g. PTX in float64).</summary>
    /// <remarks><paramref name="simulator"/> replaces ilgpu-cpu's simulated GPU (tests run the GPU tile shapes on wider
    /// groups).</remarks>
    internal static Context CreateContext(GpuKind kind, CPUDevice? simulator = null)
    {
        InstallLibraryResolver();
        return Context.Create(builder =>
        {
            _ = kind switch
            {
                GpuKind.Cuda => builder.Cuda(),
                GpuKind.OpenCl => builder.OpenCL(),
                _ => builder.CPU(simulator ?? CpuSimulator),
            };
            // The fused multiply-add mapping: see GpuMath.
            builder.EnableAlgorithms().EnableFusedMultiplyAdd().Math(MathMode.Default);
        });
    }

    /// <summary>
    /// The simulated GPU of <c>ilgpu-cpu</c>: groups of 2 warps of 2 threads, one multiprocessor per core. ILGPU's CPU
    /// accelerator runs every thread of a group as an OS thread and synchronises them at each barrier; on a few shared
    /// cores small groups synchronise fastest (measured: a 4-thread group reduces 3 to 5 times faster than ILGPU's
    /// default 16-thread group), and they still run every barrier and shared-memory path with real concurrency.
    /// </summary>
    private static CPUDevice CpuSimulator => new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 2, numMultiprocessors: Environment.ProcessorCount);

    /// <summary>Every accelerator of every kind, with its facts, and a line for each runtime that has none.</summary>
    public static IReadOnlyList<GpuDeviceInfo> List()
    {
        var list = new List<GpuDeviceInfo>();
        list.AddRange(ListCuda());
        list.AddRange(ListOpenCl());
        using (var context = CreateContext(GpuKind.IlgpuCpu))
            list.Add(new GpuDeviceInfo("ilgpu-cpu", Describe(context.GetCPUDevice(0)) + "; runs the GPU kernels on CPU threads, slowly: for tests and debugging", null));
        return list;
    }

    private static IEnumerable<GpuDeviceInfo> ListCuda()
    {
        InstallLibraryResolver();
        if (!CudaAPI.CurrentAPI.IsSupported)
            return [new GpuDeviceInfo("cuda", "", "no CUDA driver: libcuda.so.1 (the NVIDIA driver) was not found or did not initialise")];
        using var context = CreateContext(GpuKind.Cuda);
        var devices = context.GetCudaDevices();
        if (devices.Count == 0) return [new GpuDeviceInfo("cuda", "", "the CUDA driver reports no device")];
        var list = new List<GpuDeviceInfo>();
        foreach (CudaDevice d in devices)
            list.Add(new GpuDeviceInfo($"cuda:{list.Count}", $"{Describe(d)}, compute capability {d.Architecture?.ToString() ?? "unknown"}", null));
        return list;
    }

    private static IEnumerable<GpuDeviceInfo> ListOpenCl()
    {
        InstallLibraryResolver();
        if (!CLAPI.CurrentAPI.IsSupported)
            return [new GpuDeviceInfo("opencl", "", "no OpenCL loader: libOpenCL.so.1 was not found (scripts/install-opencl.sh installs one)")];
        // Every device, including those ILGPU's default filter would hide, so that a refusal can be explained.
        using var context = Context.Create(builder => builder.OpenCL(_ => true));
        var devices = context.GetCLDevices();
        if (devices.Count == 0) return [new GpuDeviceInfo("opencl", "", "the OpenCL loader finds no platform with a device")];
        var list = new List<GpuDeviceInfo>();
        int index = 0;
        foreach (CLDevice d in devices)
        {
            string description = $"{Describe(d)}, {d.PlatformName}, OpenCL C {d.CLStdVersion}";
            string? refusal = Refusal(d);
            list.Add(new GpuDeviceInfo(refusal == null ? $"opencl:{index++}" : "opencl", description, refusal));
        }
        return list;
    }

    /// <summary>Why ILGPU's OpenCL backend does not take <paramref name="device"/> (its own test in <c>builder.OpenCL()</c>), or null.</summary>
    internal static string? Refusal(CLDevice device)
    {
        if (device.CLStdVersion < CLBackend.MinimumVersion)
            return $"ILGPU needs OpenCL C {CLBackend.MinimumVersion} or later; this device has {device.CLStdVersion}";
        if (!device.Capabilities.GenericAddressSpace)
            return "ILGPU needs the OpenCL generic address space, which this device does not support (PoCL 5 and later have it)";
        return null;
    }

    /// <summary>The facts ILGPU reports for any accelerator.</summary>
    internal static string Describe(ILGPU.Runtime.Device d)
    {
        string memory = d.MemorySize >= long.MaxValue / 2 ? "host memory" : $"{d.MemorySize / (1024.0 * 1024 * 1024):0.0} GiB";
        string units = d is CudaDevice ? "SMs" : "compute units";
        string fp64 = d is CLDevice cl ? (cl.Capabilities.Float64 ? "yes" : "no (cl_khr_fp64 missing)") : "yes";
        return $"{d.Name}, {memory}, {d.NumMultiprocessors} {units}, warp size {d.WarpSize}, max group {d.MaxNumThreadsPerGroup}, fp64 {fp64}";
    }
}
