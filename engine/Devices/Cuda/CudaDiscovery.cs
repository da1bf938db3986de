using System.Runtime.InteropServices;
using NativeCnn.Engine.Devices.Gpu;
using static NativeCnn.Engine.Devices.Cuda.CudaApi;

namespace NativeCnn.Engine.Devices.Cuda;

/// <summary>Initialises the CUDA driver and reads the devices' properties.</summary>
internal static unsafe class CudaDiscovery
{
    /// <summary>All CUDA devices, by ordinal.</summary>
    /// <exception cref="GpuException">The driver cannot be loaded or initialised (e.g. no NVIDIA GPU).</exception>
    public static List<CudaDeviceInfo> FindAll()
    {
        if (!NativeGpuLibraries.TryLoad(NativeGpuLibraries.Cuda, out _, out string reason))
            throw new GpuException($"CUDA is not available: {reason}");
        CudaErrors.Check(cuInit(0), "cuInit");
        int count;
        CudaErrors.Check(cuDeviceGetCount(&count), "cuDeviceGetCount");
        var devices = new List<CudaDeviceInfo>(count);
        byte* name = stackalloc byte[256];
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            int device;
            CudaErrors.Check(cuDeviceGet(&device, ordinal), "cuDeviceGet");
            CudaErrors.Check(cuDeviceGetName(name, 256, device), "cuDeviceGetName");
            nuint memory;
            CudaErrors.Check(cuDeviceTotalMem_v2(&memory, device), "cuDeviceTotalMem_v2");
            devices.Add(new CudaDeviceInfo(ordinal, Marshal.PtrToStringUTF8((nint)name) ?? "",
                Attribute(device, AttributeComputeCapabilityMajor), Attribute(device, AttributeComputeCapabilityMinor),
                Attribute(device, AttributeMultiprocessorCount), (long)memory));
        }
        return devices;
    }

    private static int Attribute(int device, int attribute)
    {
        int value;
        CudaErrors.Check(cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }
}
