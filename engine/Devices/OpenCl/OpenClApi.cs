using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Devices.OpenCl;

/// <summary>
/// The OpenCL 1.2 entry points NativeCnn uses, bound by hand through the ICD loader
/// (libOpenCL.so.1, resolved by <see cref="NativeGpuLibraries"/>). Handles (cl_platform_id,
/// cl_device_id, cl_context, cl_command_queue, cl_mem, cl_program, cl_kernel) are pointers;
/// every function returns or writes a cl_int status checked by <see cref="OpenClErrors.Check"/>.
/// </summary>
internal static unsafe class OpenClApi
{
    private const string Lib = NativeGpuLibraries.OpenCl;

    static OpenClApi() => NativeGpuLibraries.EnsureResolver();

    // Parameter names of clGetPlatformInfo / clGetDeviceInfo / clGetProgramBuildInfo (cl.h).
    public const uint PlatformVersion = 0x0901, PlatformName = 0x0902, PlatformVendor = 0x0903;
    public const ulong DeviceTypeAll = 0xFFFFFFFF;
    public const uint DeviceType = 0x1000, DeviceMaxComputeUnits = 0x1002, DeviceMaxWorkGroupSize = 0x1004,
        DeviceGlobalMemSize = 0x101F, DeviceLocalMemSize = 0x1023, DeviceName = 0x102B, DeviceVersion = 0x102F,
        DeviceExtensions = 0x1030, DeviceDoubleFpConfig = 0x1032;
    public const ulong MemReadWrite = 1;
    public const uint ProgramBuildLog = 0x1183;

    [DllImport(Lib, ExactSpelling = true)] public static extern int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clGetPlatformInfo(nint platform, uint name, nuint size, void* value, nuint* sizeReturned);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clGetDeviceIDs(nint platform, ulong type, uint numEntries, nint* devices, uint* numDevices);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clGetDeviceInfo(nint device, uint name, nuint size, void* value, nuint* sizeReturned);
    [DllImport(Lib, ExactSpelling = true)] public static extern nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* status);
    [DllImport(Lib, ExactSpelling = true)] public static extern nint clCreateCommandQueue(nint context, nint device, ulong properties, int* status);
    [DllImport(Lib, ExactSpelling = true)] public static extern nint clCreateBuffer(nint context, ulong flags, nuint size, void* hostPointer, int* status);
    [DllImport(Lib, ExactSpelling = true)]
    public static extern int clEnqueueWriteBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* source,
        uint numEvents, nint* waitList, nint* evt);
    [DllImport(Lib, ExactSpelling = true)]
    public static extern int clEnqueueReadBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* destination,
        uint numEvents, nint* waitList, nint* evt);
    [DllImport(Lib, ExactSpelling = true)] public static extern nint clCreateProgramWithSource(nint context, uint count, byte** strings, nuint* lengths, int* status);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clBuildProgram(nint program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clGetProgramBuildInfo(nint program, nint device, uint name, nuint size, void* value, nuint* sizeReturned);
    [DllImport(Lib, ExactSpelling = true)] public static extern nint clCreateKernel(nint program, byte* name, int* status);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clSetKernelArg(nint kernel, uint index, nuint size, void* value);
    [DllImport(Lib, ExactSpelling = true)]
    public static extern int clEnqueueNDRangeKernel(nint queue, nint kernel, uint dimensions, nuint* globalOffset, nuint* globalSize,
        nuint* localSize, uint numEvents, nint* waitList, nint* evt);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clFinish(nint queue);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clReleaseMemObject(nint memory);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clReleaseKernel(nint kernel);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clReleaseProgram(nint program);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clReleaseCommandQueue(nint queue);
    [DllImport(Lib, ExactSpelling = true)] public static extern int clReleaseContext(nint context);
}
