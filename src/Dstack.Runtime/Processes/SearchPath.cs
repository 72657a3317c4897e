namespace Dstack.Runtime.Processes;

/// <summary>Looks programs up in the directories of a <c>PATH</c> value, as a shell would.</summary>
internal static class SearchPath
{
    /// <summary>
    /// The absolute directories of <paramref name="pathVariable"/>, in order, without repeats. Empty and relative
    /// entries (which a shell reads as the current folder) are skipped: a job's interpreter must not depend on where
    /// the command happened to be started.
    /// </summary>
    public static IEnumerable<string> Directories(string? pathVariable)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in (pathVariable ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Path.IsPathFullyQualified(entry) && seen.Add(Path.TrimEndingDirectorySeparator(entry)))
            {
                yield return Path.TrimEndingDirectorySeparator(entry);
            }
        }
    }

    /// <summary>The full path of the first executable file called <paramref name="name"/> on the path, or null.</summary>
    public static string? Find(string name, string? pathVariable) =>
        Directories(pathVariable).Select(d => Path.Combine(d, name)).FirstOrDefault(IsExecutable);

    /// <summary>True for an existing file (or a link to one) with an execute bit set.</summary>
    public static bool IsExecutable(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & anyExecute) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
