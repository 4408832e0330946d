namespace Ppl.IO;

/// <summary>
/// Replaces a file as one step: the content goes to a temporary file in the target's folder,
/// is flushed to disk, and is then renamed over the target. Until the rename the old file is
/// untouched; the rename itself is atomic (same folder, same file system), so a reader opens
/// either the whole old file or the whole new one, and a save that fails part way, or a process
/// that dies during it, leaves the old file as it was.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Test seam, for this thread only: wraps the stream the content is written to, so a test can
    /// make a save fail part way as a full disk would.
    /// </summary>
    [ThreadStatic]
    internal static Func<Stream, Stream>? WrapContentStreamForTests;

    /// <summary>
    /// Test seam, for this thread only: called with the target path once the temporary file is
    /// complete and on disk, just before it replaces the target; throwing here stands for a crash
    /// at the last moment.
    /// </summary>
    [ThreadStatic]
    internal static Action<string>? BeforeReplaceForTests;

    /// <summary>
    /// Writes <paramref name="path"/> with what <paramref name="write"/> puts into the stream it
    /// is given, replacing any existing file only when the whole content is on disk. On failure
    /// the temporary file is deleted and the exception propagates.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));

        // hidden, unique, and in the same folder: a rename across file systems would be a copy
        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                var content = WrapContentStreamForTests?.Invoke(file) ?? file;
                write(content);
                content.Flush();
                file.Flush(flushToDisk: true);
            }

            BeforeReplaceForTests?.Invoke(target);
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading without blocking a concurrent <see cref="Write"/> from replacing it.</summary>
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1 << 16);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // the original failure matters more than a leftover temporary file
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
