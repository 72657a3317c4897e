using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Snapshots;

/// <summary>
/// The files of a folder that belong in a copy of the code, relative to it, '/'-separated, sorted ordinal.
/// In a git work tree: what <c>git ls-files -co --exclude-standard</c> lists there (tracked plus untracked
/// but not ignored, only the folder's subtree), less files missing on disk. Elsewhere, or without git: a walk
/// that skips <c>.git</c> and honours <c>.gitignore</c> files at any level and <c>.git/info/exclude</c>.
/// Either way <c>.dstackignore</c> files are honoured when asked for. Symbolic links are listed as files and
/// never followed; the contents of checked-out submodules are listed under their folder. Special files (FIFOs,
/// sockets, devices) are never listed, as git never adds them: they are told apart with lstat(2), never opened
/// (opening a FIFO waits for a writer), and returned apart so the run's log can name them.
/// </summary>
/// <param name="Files">The relative paths of regular files and symbolic links, sorted ordinal.</param>
/// <param name="FromGit">True when git listed the files.</param>
/// <param name="UnreadableFolders">Folders the walk could not open (relative paths); always empty with git.</param>
/// <param name="SpecialFiles">FIFOs, sockets and devices that would have been listed, sorted ordinal by path.</param>
public sealed record WorkTreeListing(IReadOnlyList<string> Files, bool FromGit, IReadOnlyList<string> UnreadableFolders, IReadOnlyList<SpecialFile> SpecialFiles)
{
    /// <summary>
    /// Lists <paramref name="root"/> (a full path). With <see cref="IgnoreSources.Git"/> unset, git is not asked and
    /// .gitignore files are not read. Folders in <paramref name="leaveOut"/> (relative paths) are neither listed nor entered.
    /// </summary>
    public static WorkTreeListing Read(string root, IgnoreSources sources = IgnoreSources.All, IReadOnlyCollection<string>? leaveOut = null)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        leaveOut ??= [];
        var special = new List<SpecialFile>();
        if (sources.HasFlag(IgnoreSources.Git) && GitFiles(root, sources, leaveOut, special) is { } files)
        {
            return new WorkTreeListing(files, FromGit: true, [], Sorted(special));
        }

        var rules = IgnoreRules.Load(root, sources);
        var unreadable = new List<string>();
        var walked = Walk(root, rules, unreadable, special, leaveOut);
        walked.Sort(StringComparer.Ordinal);
        return new WorkTreeListing(walked, FromGit: false, unreadable, Sorted(special));
    }

    /// <summary>True when <paramref name="path"/> is one of the <paramref name="leaveOut"/> folders or below one.</summary>
    internal static bool IsLeftOut(string path, IReadOnlyCollection<string> leaveOut)
    {
        foreach (var folder in leaveOut)
        {
            if (path == folder || path.Length > folder.Length && path[folder.Length] == '/' && path.StartsWith(folder, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Files below <paramref name="folder"/> (relative to the rules' root) that the rules keep, not following links;
    /// special files the rules keep go to <paramref name="special"/> instead.
    /// </summary>
    internal static List<string> Walk(string root, IgnoreRules rules, List<string> unreadable, List<SpecialFile> special, IReadOnlyCollection<string> leaveOut, string folder = "")
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
                if (rules.IsEntryExcluded(path, isFolder) || leaveOut.Count > 0 && IsLeftOut(path, leaveOut))
                {
                    continue;
                }

                if (isFolder)
                {
                    pending.Push(path);
                }
                else if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    files.Add(path);
                }
                else if (EntryKinds.Of(entry.FullName) is var kind && kind.IsSpecial())
                {
                    special.Add(new SpecialFile(path, kind.Describe()));
                }
                else if (kind != EntryKind.Missing)
                {
                    files.Add(path);
                }
            }
        }

        return files;
    }

    /// <summary>
    /// False only when git cannot see a repository at <paramref name="root"/>: no <c>.git</c> (folder, or file of a
    /// worktree or submodule) in it or any folder above it, and no <c>GIT_DIR</c> naming one elsewhere.
    /// </summary>
    internal static bool MayBeInGitRepository(string root)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GIT_DIR")))
        {
            return true;
        }

        for (var folder = Path.GetFullPath(root); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            var git = Path.Join(folder, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string>? GitFiles(string root, IgnoreSources sources, IReadOnlyCollection<string> leaveOut, List<SpecialFile> special)
    {
        // Outside any repository (no .git in the folder or above it, no GIT_DIR) git could only say so: asking it costs a
        // process start on every run's path for nothing.
        if (!MayBeInGitRepository(root))
        {
            return null;
        }

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
            if (!seen.Add(path) || !RelativePath.IsSafe(path) || dstack?.IsExcluded(path, isDirectory: false) == true || leaveOut.Count > 0 && IsLeftOut(path, leaveOut))
            {
                continue;
            }

            // git lists no untracked special file, but a tracked file may have been replaced by one since.
            var full = Path.Join(root, path);
            var kind = EntryKinds.Of(full);
            if (kind is EntryKind.File or EntryKind.Link)
            {
                files.Add(path);
            }
            else if (kind.IsSpecial())
            {
                special.Add(new SpecialFile(path, kind.Describe()));
            }
            else if (kind == EntryKind.Folder && Path.Exists(Path.Combine(full, ".git")))
            {
                // A checked-out submodule: git lists only its folder.
                var inner = Read(full, sources);
                files.AddRange(inner.Files.Select(f => path + "/" + f).Where(f => leaveOut.Count == 0 || !IsLeftOut(f, leaveOut)));
                special.AddRange(inner.SpecialFiles.Select(f => f with { Path = path + "/" + f.Path }));
            }

            // Otherwise deleted but still tracked: nothing to copy.
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static List<SpecialFile> Sorted(List<SpecialFile> special)
    {
        special.Sort((a, b) => StringComparer.Ordinal.Compare(a.Path, b.Path));
        return special;
    }
}
