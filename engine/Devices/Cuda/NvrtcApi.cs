using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Devices.Cuda;

/// <summary>
/// NVRTC, CUDA's run-time compiler (libnvrtc.so.&lt;major&gt;, resolved by <see cref="NativeGpuLibraries"/>):
/// compiles the shared kernels, behind the OpenCL-to-CUDA header, to a cubin (or PTX) at run time.
/// </summary>
internal static unsafe class NvrtcApi
{
    private const string Lib = NativeGpuLibraries.Nvrtc;

    static NvrtcApi() => NativeGpuLibraries.EnsureResolver();

    [DllImport(Lib, ExactSpelling = true)]
    public static extern int nvrtcCreateProgram(nint* program, byte* source, byte* name, int headerCount, byte** headers, byte** includeNames);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcCompileProgram(nint program, int optionCount, byte** options);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcGetProgramLogSize(nint program, nuint* size);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcGetProgramLog(nint program, byte* log);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcGetCUBINSize(nint program, nuint* size);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcGetCUBIN(nint program, byte* cubin);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcGetPTXSize(nint program, nuint* size);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcGetPTX(nint program, byte* ptx);
    [DllImport(Lib, ExactSpelling = true)] public static extern int nvrtcDestroyProgram(nint* program);
    [DllImport(Lib, ExactSpelling = true)] public static extern byte* nvrtcGetErrorString(int status);
}
