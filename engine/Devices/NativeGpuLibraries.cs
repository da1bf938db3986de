using System.Reflection;
using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Devices;

/// <summary>
/// Maps the logical library names of the GPU bindings (<c>OpenCL</c>, <c>cuda</c>, <c>nvrtc</c>)
/// to the sonames installed on Linux, and turns "library not found" into a message naming what
/// is missing. .NET allows one resolver per assembly, so every P/Invoke of NativeCnn.Engine goes
/// through this class; the CPU backend never loads a native library, so it keeps working when
/// no GPU runtime is installed.
/// </summary>
internal static class NativeGpuLibraries
{
    /// <summary>Logical name of the OpenCL ICD loader in import declarations.</summary>
    internal const string OpenCl = "OpenCL";

    /// <summary>Logical name of the CUDA driver API in import declarations.</summary>
    internal const string Cuda = "cuda";

    /// <summary>Logical name of the NVRTC runtime compiler in import declarations.</summary>
    internal const string Nvrtc = "nvrtc";

    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>Installs the resolver once; binding classes call this from their static constructor.</summary>
    internal static void EnsureResolver()
    {
        lock (Gate)
        {
            if (registered) return;
            NativeLibrary.SetDllImportResolver(typeof(NativeGpuLibraries).Assembly, Resolve);
            registered = true;
        }
    }

    /// <summary>The file names tried, in order, for a logical library name.</summary>
    internal static string[] Candidates(string logicalName) => logicalName switch
    {
        OpenCl => OperatingSystem.IsWindows() ? ["OpenCL.dll"] : ["libOpenCL.so.1", "libOpenCL.so"],
        Cuda => OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"],
        // NVRTC's soname carries the toolkit's major version; the newest common ones first.
        Nvrtc => OperatingSystem.IsWindows()
            ? ["nvrtc64_120_0.dll", "nvrtc64_112_0.dll", "nvrtc64_130_0.dll"]
            : ["libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11", "libnvrtc.so.13", "libnvrtc.so"],
        _ => [],
    };

    /// <summary>
    /// Loads a library without throwing: returns false with a one-line reason (which files were
    /// tried and what provides them) when none of the candidates loads.
    /// </summary>
    internal static bool TryLoad(string logicalName, out IntPtr handle, out string reason)
    {
        string[] candidates = Candidates(logicalName);
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out handle))
            {
                reason = "";
                return true;
            }
        }
        handle = IntPtr.Zero;
        string provider = logicalName switch
        {
            OpenCl => "an OpenCL ICD loader and driver (Debian: ocl-icd-libopencl1 plus pocl-opencl-icd or a GPU vendor's ICD)",
            Cuda => "the NVIDIA driver (libcuda ships with it)",
            Nvrtc => "the CUDA toolkit's NVRTC (Debian: libnvrtc12 or the cuda-nvrtc package)",
            _ => "the library",
        };
        reason = $"could not load {string.Join(", ", candidates)}; install {provider}";
        return false;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (Candidates(libraryName).Length == 0) return IntPtr.Zero; // not ours: default probing
        if (TryLoad(libraryName, out IntPtr handle, out string reason)) return handle;
        throw new DllNotFoundException($"native library '{libraryName}' not found: {reason}");
    }
}
