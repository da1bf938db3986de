namespace NativeCnn.Engine.Devices.OpenCl;

/// <summary>One OpenCL device as <c>nativecnn devices</c> lists it.</summary>
/// <param name="Index">N of <c>--device opencl:N</c>: position in the list of all devices of all platforms.</param>
/// <param name="Platform">Platform name, e.g. "Portable Computing Language".</param>
/// <param name="PlatformVersion">Platform version string, e.g. "OpenCL 3.0 PoCL 3.1".</param>
/// <param name="Name">Device name, e.g. "pthread-skylake-avx512-AMD EPYC".</param>
/// <param name="ComputeUnits">CL_DEVICE_MAX_COMPUTE_UNITS.</param>
/// <param name="GlobalMemoryBytes">CL_DEVICE_GLOBAL_MEM_SIZE, bytes.</param>
/// <param name="MaxWorkGroupSize">CL_DEVICE_MAX_WORK_GROUP_SIZE, work-items.</param>
/// <param name="SupportsFloat64">True when the device reports cl_khr_fp64 (float64 gradient checks can run on it).</param>
public sealed record OpenClDeviceInfo(int Index, string Platform, string PlatformVersion, string Name,
    int ComputeUnits, long GlobalMemoryBytes, long MaxWorkGroupSize, bool SupportsFloat64);
