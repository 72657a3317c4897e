namespace Dstack.Runtime.Snapshots;

/// <summary>A FIFO, socket or device in the code folder: never opened, copied or uploaded, only named in the run's log.</summary>
/// <param name="Path">The relative path, '/'-separated.</param>
/// <param name="Kind">What it is, in words: "FIFO", "socket", "character device", "block device".</param>
public sealed record SpecialFile(string Path, string Kind)
{
    /// <summary>
    /// One log line for <paramref name="files"/>: <c>skipped 2 special files: pipe (FIFO), sock (socket)</c>, the
    /// first ten by name and a count of the rest; null when there are none.
    /// </summary>
    public static string? Describe(IReadOnlyCollection<SpecialFile> files)
    {
        const int Named = 10;
        if (files.Count == 0)
        {
            return null;
        }

        var names = string.Join(", ", files.Take(Named).Select(f => $"{f.Path} ({f.Kind})"));
        var more = files.Count > Named ? $" and {files.Count - Named} more" : string.Empty;
        var noun = files.Count == 1 ? "special file" : "special files";
        return $"skipped {files.Count} {noun}: {names}{more}; such files are never copied, as git does not add them";
    }
}
