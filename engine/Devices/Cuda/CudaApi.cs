using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Devices.Cuda;

/// <summary>
/// The CUDA driver API entry points NativeCnn uses, bound by hand (libcuda.so.1, resolved by
/// <see cref="NativeGpuLibraries"/>). CUresult status codes are checked by <see cref="CudaErrors"/>;
/// CUcontext, CUmodule and CUfunction are pointers, CUdeviceptr is a 64-bit address.
/// </summary>
internal static unsafe class CudaApi
{
    private const string Lib = NativeGpuLibraries.Cuda;

    static CudaApi() => NativeGpuLibraries.EnsureResolver();

    // CUdevice_attribute values (cuda.h).
    public const int AttributeMultiprocessorCount = 16, AttributeComputeCapabilityMajor = 75, AttributeComputeCapabilityMinor = 76;

    [DllImport(Lib, ExactSpelling = true)] public static extern int cuInit(uint flags);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuDriverGetVersion(int* version);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuDeviceGetCount(int* count);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuDeviceGet(int* device, int ordinal);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuDeviceGetName(byte* name, int length, int device);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuDeviceGetAttribute(int* value, int attribute, int device);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuDeviceTotalMem_v2(nuint* bytes, int device);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuCtxCreate_v2(nint* context, uint flags, int device);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuCtxDestroy_v2(nint context);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuCtxSetCurrent(nint context);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuCtxSynchronize();
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuMemAlloc_v2(ulong* address, nuint bytes);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuMemFree_v2(ulong address);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuMemcpyHtoD_v2(ulong destination, void* source, nuint bytes);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuMemcpyDtoH_v2(void* destination, ulong source, nuint bytes);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuModuleLoadData(nint* module, void* image);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuModuleUnload(nint module);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuModuleGetFunction(nint* function, nint module, byte* name);
    [DllImport(Lib, ExactSpelling = true)]
    public static extern int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedMemoryBytes, nint stream, void** parameters, void** extra);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuGetErrorName(int status, byte** name);
    [DllImport(Lib, ExactSpelling = true)] public static extern int cuGetErrorString(int status, byte** text);
}
