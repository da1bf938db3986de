using System.Text;
using NativeCnn.Engine.Devices.Gpu;
using static NativeCnn.Engine.Devices.OpenCl.OpenClApi;

namespace NativeCnn.Engine.Devices.OpenCl;

/// <summary>Finds the OpenCL platforms and devices and reads their properties.</summary>
internal static unsafe class OpenClDiscovery
{
    /// <summary>A device handle with the platform it belongs to and its description.</summary>
    public readonly record struct Found(nint Platform, nint Device, OpenClDeviceInfo Info);

    /// <summary>All devices of all platforms, in platform order then device order.</summary>
    /// <exception cref="GpuException">The OpenCL library cannot be loaded or a query fails.</exception>
    public static List<Found> FindAll()
    {
        if (!NativeGpuLibraries.TryLoad(NativeGpuLibraries.OpenCl, out _, out string reason))
            throw new GpuException($"OpenCL is not available: {reason}");
        var found = new List<Found>();
        uint platformCount;
        int status = clGetPlatformIDs(0, null, &platformCount);
        // The ICD loader reports "no platform" as an error; for us it is an empty list.
        if (status == -1001 || (status == 0 && platformCount == 0)) return found;
        OpenClErrors.Check(status, "clGetPlatformIDs");
        var platforms = new nint[platformCount];
        fixed (nint* p = platforms) OpenClErrors.Check(clGetPlatformIDs(platformCount, p, null), "clGetPlatformIDs");
        foreach (nint platform in platforms)
        {
            string platformName = PlatformString(platform, PlatformName), platformVersion = PlatformString(platform, PlatformVersion);
            uint deviceCount;
            status = clGetDeviceIDs(platform, DeviceTypeAll, 0, null, &deviceCount);
            if (status == -1 /* CL_DEVICE_NOT_FOUND */ || deviceCount == 0) continue;
            OpenClErrors.Check(status, "clGetDeviceIDs");
            var devices = new nint[deviceCount];
            fixed (nint* d = devices) OpenClErrors.Check(clGetDeviceIDs(platform, DeviceTypeAll, deviceCount, d, null), "clGetDeviceIDs");
            foreach (nint device in devices)
            {
                string extensions = DeviceString(device, DeviceExtensions);
                var info = new OpenClDeviceInfo(found.Count, platformName, platformVersion, DeviceString(device, DeviceName),
                    (int)DeviceValue<uint>(device, DeviceMaxComputeUnits), (long)DeviceValue<ulong>(device, DeviceGlobalMemSize),
                    (long)DeviceValue<nuint>(device, DeviceMaxWorkGroupSize),
                    extensions.Split(' ').Contains("cl_khr_fp64"));
                found.Add(new Found(platform, device, info));
            }
        }
        return found;
    }

    private static string PlatformString(nint platform, uint name)
    {
        nuint size;
        OpenClErrors.Check(clGetPlatformInfo(platform, name, 0, null, &size), "clGetPlatformInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) OpenClErrors.Check(clGetPlatformInfo(platform, name, size, b, null), "clGetPlatformInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    /// <summary>A string property of a device (name, extensions, ...), without its terminating NUL.</summary>
    public static string DeviceString(nint device, uint name)
    {
        nuint size;
        OpenClErrors.Check(clGetDeviceInfo(device, name, 0, null, &size), "clGetDeviceInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) OpenClErrors.Check(clGetDeviceInfo(device, name, size, b, null), "clGetDeviceInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static T DeviceValue<T>(nint device, uint name) where T : unmanaged
    {
        T value;
        OpenClErrors.Check(clGetDeviceInfo(device, name, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }
}
