using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NativeCnn.Engine.Serialization;

/// <summary>
/// Two things .NET's file API does not do on Linux and macOS, done with the C library's
/// <c>open(2)</c>, <c>fsync(2)</c> and <c>close(2)</c>: flushing a directory, so that a rename
/// inside it survives a power cut (POSIX makes a rename durable only once the directory is
/// fsynced), and reading a file that another process holds open with <see cref="FileShare.None"/>
/// (.NET emulates share modes with advisory <c>flock(2)</c> locks and refuses to open such a
/// file at all; the C library's <c>open</c> does not take them). Both are no-ops on Windows.
/// </summary>
public static class PosixFiles
{
    private const int ReadOnly = 0; // O_RDONLY, the same value on Linux and macOS

    /// <summary>fsyncs <paramref name="directory"/>, so the renames and new names in it reach the disk.</summary>
    /// <param name="directory">An existing directory.</param>
    /// <exception cref="IOException">The directory cannot be opened or flushed (the message names it).</exception>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS journals renames; a directory handle cannot be flushed there
        int fd = Open(directory, ReadOnly);
        if (fd < 0) throw Error("open", directory);
        try
        {
            // Some file systems (e.g. certain network mounts) cannot fsync a directory; EINVAL says so, and there is nothing more to do.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() != EInval) throw Error("fsync", directory);
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>
    /// The first bytes of <paramref name="path"/> as UTF-8 text, read without taking .NET's advisory
    /// lock, so a file another process holds with <see cref="FileShare.None"/> can still be read.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">How many bytes to read at most.</param>
    /// <returns>The text, or null when the file cannot be read (or on Windows, where share modes are enforced by the system).</returns>
    public static string? ReadTextIgnoringLocks(string path, int maxBytes = 4096)
    {
        if (OperatingSystem.IsWindows()) return null;
        int fd = Open(path, ReadOnly);
        if (fd < 0) return null;
        // A handle made from a descriptor skips .NET's share-mode emulation; it closes the descriptor when disposed.
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        var buffer = new byte[maxBytes];
        try
        {
            int length = RandomAccess.Read(handle, buffer, 0);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private const int EInval = 22; // the same value on Linux and macOS

    private static IOException Error(string call, string path) =>
        new($"cannot {call} the directory '{path}' to make its renames durable: {Marshal.GetLastPInvokeErrorMessage()}");

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
