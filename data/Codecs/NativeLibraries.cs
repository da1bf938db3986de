using System.Reflection;
using System.Runtime.InteropServices;

namespace NativeCnn.Data.Codecs;

/// <summary>
/// Maps the logical library names used in our <c>[LibraryImport]</c> declarations to the
/// versioned Linux sonames, and turns "library not found" into a message that says which Debian
/// package to install. .NET allows one resolver per assembly, so every binding in NativeCnn.Data
/// goes through this class.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>Logical name of libjpeg-turbo's TurboJPEG API in import declarations.</summary>
    internal const string TurboJpeg = "turbojpeg";

    /// <summary>Logical name of libpng 1.6 in import declarations.</summary>
    internal const string Png = "png16";

    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>
    /// Installs the resolver once. Binding classes call this from their static constructor, which
    /// the runtime guarantees runs before the first P/Invoke through them.
    /// </summary>
    internal static void EnsureResolver()
    {
        lock (Gate)
        {
            if (!registered)
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
                registered = true;
            }
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        return libraryName switch
        {
            TurboJpeg => Load(libraryName, ["libturbojpeg.so.0", "libturbojpeg.so"], "libturbojpeg0"),
            Png => Load(libraryName, ["libpng16.so.16", "libpng16.so"], "libpng16-16"),
            // Not ours: let the runtime's default probing handle it.
            _ => IntPtr.Zero,
        };
    }

    private static IntPtr Load(string logicalName, string[] candidates, string debianPackage)
    {
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                return handle;
            }
        }
        throw new DllNotFoundException(
            $"Native library '{logicalName}' not found (tried {string.Join(", ", candidates)}). " +
            $"Install it with: apt-get install {debianPackage} (Debian/Ubuntu package name).");
    }
}
