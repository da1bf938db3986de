using System.Text.RegularExpressions;

namespace NativeCnn.Engine.Serialization;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content,
/// never a half-written file: write a temporary file <c>.{name}.{random}.tmp</c> in the same
/// directory, flush it to disk, rename it over the target (a rename within one file system is
/// atomic on POSIX), then flush the directory so the rename itself survives a power cut.
/// </summary>
/// <remarks>
/// A process killed between creating the temporary file and renaming it leaves the temporary
/// behind; <see cref="RemoveStaleTemporaries"/> deletes such leftovers when the folder's next user
/// knows no other writer is active (a run folder does it under its lock).
/// </remarks>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure the temp file is removed and the old file left untouched.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">Writing, renaming or flushing the directory failed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root directory, not a file.", nameof(path));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write '{fullPath}': directory '{directory}' does not exist.");
        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                // Data must be on disk before the rename publishes it, or a crash could leave
                // the new name pointing at an incomplete file.
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            try { File.Delete(tempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        PosixFiles.SyncDirectory(directory);
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Deletes the temporary files <see cref="Write"/> leaves when its process is killed before the
    /// rename: names of the form <c>.{name}.{8 characters}.{3 characters}.tmp</c> directly in
    /// <paramref name="directory"/> (the random part is <see cref="Path.GetRandomFileName"/>'s). Call it
    /// only when no other process can be writing there.
    /// </summary>
    /// <param name="directory">The folder to clean.</param>
    /// <returns>The files deleted.</returns>
    /// <exception cref="IOException">A leftover cannot be deleted.</exception>
    public static IReadOnlyList<string> RemoveStaleTemporaries(string directory)
    {
        var removed = new List<string>();
        foreach (string file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            if (!IsTemporaryName(Path.GetFileName(file))) continue;
            File.Delete(file);
            removed.Add(file);
        }
        return removed;
    }

    /// <summary>True for a file name <see cref="Write"/> gives its temporary files.</summary>
    public static bool IsTemporaryName(string fileName) => TemporaryName().IsMatch(fileName);

    [GeneratedRegex(@"^\..+\.[a-z0-9]{8}\.[a-z0-9]{3}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();
}
