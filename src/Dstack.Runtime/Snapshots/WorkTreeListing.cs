using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Snapshots;

/// <summary>
/// The files of a folder that belong in a copy of the code, relative to it, '/'-separated, sorted ordinal.
/// In a git work tree: what <c>git ls-files -co --exclude-standard</c> lists there (tracked plus untracked
/// but not ignored, only the folder's subtree), less files missing on disk. Elsewhere, or without git: a walk
/// that skips <c>.git</c> and honours <c>.gitignore</c> files at any level and <c>.git/info/exclude</c>.
/// Either way <c>.dstackignore</c> files are honoured when asked for. Symbolic links are listed as files and
/// never followed; the contents of checked-out submodules are listed under their folder.
/// </summary>
/// <param name="Files">The relative paths, sorted ordinal.</param>
/// <param name="FromGit">True when git listed the files.</param>
/// <param name="UnreadableFolders">Folders the walk could not open (relative paths); always empty with git.</param>
public sealed record WorkTreeListing(IReadOnlyList<string> Files, bool FromGit, IReadOnlyList<string> UnreadableFolders)
{
    /// <summary>Lists <paramref name="root"/> (a full path). With <see cref="IgnoreSources.Git"/> unset, git is not asked and .gitignore files are not read.</summary>
    public static WorkTreeListing Read(string root, IgnoreSources sources = IgnoreSources.All)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (sources.HasFlag(IgnoreSources.Git) && GitFiles(root, sources) is { } files)
        {
            return new WorkTreeListing(files, FromGit: true, []);
        }

        var rules = IgnoreRules.Load(root, sources);
        var unreadable = new List<string>();
        var walked = Walk(root, rules, unreadable);
        walked.Sort(StringComparer.Ordinal);
        return new WorkTreeListing(walked, FromGit: false, unreadable);
    }

    /// <summary>Files below <paramref name="folder"/> (relative to the rules' root) that the rules keep, not following links.</summary>
    internal static List<string> Walk(string root, IgnoreRules rules, List<string> unreadable, string folder = "")
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = [.. new DirectoryInfo(current.Length == 0 ? root : Path.Join(root, current)).EnumerateFileSystemInfos()];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(current);
                continue;
            }

            foreach (var entry in entries)
            {
                var path = RelativePath.Join(current, entry.Name);

                // A link to a folder is a file to git: listed, matched as a file, never entered.
                var isFolder = entry.Attributes.HasFlag(FileAttributes.Directory) && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
                if (rules.IsEntryExcluded(path, isFolder))
                {
                    continue;
                }

                if (isFolder)
                {
                    pending.Push(path);
                }
                else
                {
                    files.Add(path);
                }
            }
        }

        return files;
    }

    private static List<string>? GitFiles(string root, IgnoreSources sources)
    {
        var output = ProgramOutput.TryRun("git", ["-C", root, "ls-files", "-co", "--exclude-standard", "-z", "--", "."], TimeSpan.FromSeconds(60));
        if (output is null)
        {
            return null;
        }

        var dstack = sources.HasFlag(IgnoreSources.Dstack) ? IgnoreRules.Load(root, IgnoreSources.Dstack) : null;
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // Unmerged paths come once per stage; a path that leaves the folder cannot come from "-- .", but is never trusted.
            if (!seen.Add(path) || !RelativePath.IsSafe(path) || dstack?.IsExcluded(path, isDirectory: false) == true)
            {
                continue;
            }

            var full = Path.Join(root, path);
            var info = new FileInfo(full);
            if (info.Exists || info.LinkTarget is not null)
            {
                files.Add(path);
            }
            else if (Directory.Exists(full) && Path.Exists(Path.Combine(full, ".git")))
            {
                // A checked-out submodule: git lists only its folder.
                files.AddRange(Read(full, sources).Files.Select(f => path + "/" + f));
            }

            // Otherwise deleted but still tracked: nothing to copy.
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
