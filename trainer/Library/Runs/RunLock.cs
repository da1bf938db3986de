using System.Globalization;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// The lock that makes a run folder one run's: the file <see cref="FileName"/> inside it, held open
/// with <see cref="FileShare.None"/> for as long as the run lasts. The operating system drops the lock
/// when the process ends, however it ends (a kill -9 included), so a folder is never locked by a run
/// that is gone. The file holds the owner's process id and start time, which the refusal of a second
/// run quotes.
/// </summary>
/// <remarks>On Linux and macOS .NET implements FileShare.None with an advisory <c>flock(2)</c> lock,
/// which other nativecnn processes (and .NET programs) respect; a process that ignores advisory locks
/// is not stopped by it. The file is left in place when the run ends: deleting it could let two later
/// runs lock two different files of the same name.</remarks>
internal sealed class RunLock : IDisposable
{
    /// <summary>The lock file's name inside the run folder.</summary>
    public const string FileName = ".nativecnn.lock";

    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    /// <summary>Locks <paramref name="folder"/>, which must exist.</summary>
    /// <exception cref="TrainingException">Another process holds the folder; the message names the folder and, when known, the process.</exception>
    /// <exception cref="IOException">The lock file cannot be created.</exception>
    public static RunLock Acquire(string folder)
    {
        string path = Path.Combine(folder, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            string? holder = PosixFiles.ReadTextIgnoringLocks(path)?.Trim();
            throw new TrainingException($"{folder} is in use by another run ({(string.IsNullOrEmpty(holder) ? "a process that holds " + FileName : holder)}); "
                + "wait for it to end, stop it, or choose another folder");
        }
        string owner = string.Create(CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} on {Environment.MachineName}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        stream.SetLength(0);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(owner + "\n"));
        stream.Flush(flushToDisk: true);
        return new RunLock(stream);
    }

    // The share-mode refusal: EWOULDBLOCK from flock on Linux (11) and macOS (35), ERROR_SHARING_VIOLATION on Windows.
    private static bool IsHeldElsewhere(IOException e) =>
        e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && e.HResult is 11 or 35 or unchecked((int)0x80070020);

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();
}
