using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Dstack.Runtime.Pipelines;

/// <summary>
/// A workflow's <c>cache:</c> path kept between runs (issue 17), under <c>$DSTACK_HOME/cache/workflows/KEY/</c>, KEY
/// from the repository folder, the workflow's name and the path. Each save writes a new generation folder and then
/// swaps the <c>current</c> link to it in one rename, so two overlapping runs never leave a half-written cache: the last
/// writer wins whole. A save is incremental: a file whose size and modification time match the current generation's
/// is hard-linked from it instead of copied. A restore is incremental too: a file already in place with the same size
/// and time is not copied again. Files of the working copy that the cache lacks are left alone.
/// </summary>
public sealed partial class WorkflowCache(string root)
{
    private const string CurrentLink = "current";

    /// <summary>Generations older than the current one and the one before it are removed after a save (a restore may still read the one before).</summary>
    private const int KeptGenerations = 2;

    /// <summary>The cache folder of <paramref name="path"/> of workflow <paramref name="workflow"/> in <paramref name="repoFolder"/>.</summary>
    public static WorkflowCache For(State.DstackHome home, string repoFolder, string workflow, string path)
    {
        var text = $"{Path.GetFullPath(repoFolder).TrimEnd('/')}\n{workflow}\n{WorkflowPathRule.Normalize(path)}";
        var key = Dstack.Runtime.Hashing.ShortHash.HexOf(text)[..20];
        return new WorkflowCache(Path.Combine(home.WorkflowCachesFolder, key)) { About = text };
    }

    /// <summary>
    /// Every cache under <paramref name="home"/> with what it belongs to (read from its <c>about</c> file: repository
    /// folder, workflow, path); a folder without one (from a save cut short before it was written) has empty fields.
    /// </summary>
    public static IReadOnlyList<(WorkflowCache Cache, string Repo, string Workflow, string Path)> List(State.DstackHome home)
    {
        if (!Directory.Exists(home.WorkflowCachesFolder))
        {
            return [];
        }

        var caches = new List<(WorkflowCache, string, string, string)>();
        foreach (var folder in Directory.EnumerateDirectories(home.WorkflowCachesFolder).Order(StringComparer.Ordinal))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllText(Path.Combine(folder, AboutFile)).Split('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                lines = [];
            }

            caches.Add((new WorkflowCache(folder), lines.ElementAtOrDefault(0) ?? string.Empty, lines.ElementAtOrDefault(1) ?? string.Empty, lines.ElementAtOrDefault(2) ?? string.Empty));
        }

        return caches;
    }

    private const string AboutFile = "about";

    /// <summary>What the cache belongs to: repository folder, workflow and path, a line each (written on the first save).</summary>
    private string? About { get; init; }

    /// <summary>The cache's folder.</summary>
    public string Root { get; } = root;

    /// <summary>The generation the cache holds now; null when nothing was saved yet.</summary>
    public string? Current
    {
        get
        {
            var link = new FileInfo(Path.Combine(Root, CurrentLink));
            return link.LinkTarget is { } target && Directory.Exists(Path.Combine(Root, target)) ? Path.Combine(Root, target) : null;
        }
    }

    /// <summary>
    /// Saves the folder <paramref name="source"/> (its files, links and folders; special files are left out) as the new
    /// generation. Returns what was copied and what was linked from the previous generation.
    /// </summary>
    public CacheTransfer Save(string source, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Root);
        if (About is { } about && !File.Exists(Path.Combine(Root, AboutFile)))
        {
            File.WriteAllText(Path.Combine(Root, AboutFile), about);
        }

        var previous = Current;
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        // Written under a name no cleanup touches, named as a generation (by the time it is done) just before the swap.
        var writing = Path.Combine(Root, $"tmp-{random}");
        var transfer = new CacheTransfer();
        string generation;
        try
        {
            Directory.CreateDirectory(writing);
            if (Directory.Exists(source))
            {
                CopyTree(source, writing, previous, transfer, link: true, cancellationToken);
            }

            generation = $"gen-{DateTime.UtcNow:yyyyMMddHHmmssfffffff}-{random}";
            Directory.Move(writing, Path.Combine(Root, generation));

            // The swap: a new link beside, renamed over the old one (rename(2) is atomic).
            var pending = Path.Combine(Root, $"{CurrentLink}.{generation}");
            File.CreateSymbolicLink(pending, generation);
            if (SysRename(pending, Path.Combine(Root, CurrentLink)) != 0)
            {
                throw new IOException($"the cache's current generation could not be switched to {generation} (rename failed, errno {Marshal.GetLastPInvokeError()})");
            }
        }
        catch
        {
            TryDelete(writing);
            throw;
        }

        RemoveOldGenerations(generation);
        return transfer;
    }

    /// <summary>Lays the current generation over <paramref name="destination"/>; false when nothing was saved yet.</summary>
    public bool Restore(string destination, out CacheTransfer transfer, CancellationToken cancellationToken = default)
    {
        transfer = new CacheTransfer();
        if (Current is not { } current)
        {
            return false;
        }

        Directory.CreateDirectory(destination);
        CopyTree(current, destination, destination, transfer, link: false, cancellationToken);
        return true;
    }

    /// <summary>
    /// Copies the tree <paramref name="from"/> over <paramref name="to"/> as a restore does: a file already there with the
    /// same size and time is left as it is; files only <paramref name="to"/> has are kept.
    /// </summary>
    public static CacheTransfer CopyInto(string from, string to, CancellationToken cancellationToken = default)
    {
        var transfer = new CacheTransfer();
        Directory.CreateDirectory(to);
        CopyTree(from, to, to, transfer, link: false, cancellationToken);
        return transfer;
    }

    /// <summary>
    /// Deletes the cache; returns the bytes it held on disk: a file that one generation hard-linked from another (the
    /// same relative path, size and time) is counted once.
    /// </summary>
    public long Delete()
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var counted = new HashSet<(string Path, long Length, long Time)>();
        long bytes = 0;
        foreach (var generation in Directory.EnumerateDirectories(Root, "gen-*"))
        {
            foreach (var file in new DirectoryInfo(generation).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                if (file.LinkTarget is null && counted.Add((Path.GetRelativePath(generation, file.FullName), file.Length, file.LastWriteTimeUtc.Ticks)))
                {
                    bytes += file.Length;
                }
            }
        }

        Directory.Delete(Root, recursive: true);
        return bytes;
    }

    /// <summary>
    /// Copies the tree <paramref name="from"/> into <paramref name="to"/>: folders and links first, in one walk, then the
    /// files, two at a time or more (one per core: small files are bound by system calls, not by the disk). A file whose
    /// size and time match its twin under <paramref name="reference"/> is hard-linked from it (<paramref name="link"/>,
    /// a save) or left as it is (a restore).
    /// </summary>
    private static void CopyTree(string from, string to, string? reference, CacheTransfer transfer, bool link, CancellationToken cancellationToken)
    {
        var files = new List<(FileInfo File, string Target, string? Known)>();
        Walk(from, to, reference, files, cancellationToken);
        int copied = 0, linked = 0, unchanged = 0;
        long bytes = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken }, job =>
        {
            var (file, target, known) = job;
            if (known is not null && new FileInfo(known) is { Exists: true } same && same.Length == file.Length && same.LastWriteTimeUtc == file.LastWriteTimeUtc)
            {
                if (!link)
                {
                    Interlocked.Increment(ref unchanged);
                    return;
                }

                if (HardLink(known, target))
                {
                    Interlocked.Increment(ref linked);
                    return;
                }
            }

            file.CopyTo(target, overwrite: true);
            File.SetLastWriteTimeUtc(target, file.LastWriteTimeUtc);
            Interlocked.Increment(ref copied);
            Interlocked.Add(ref bytes, file.Length);
        });
        transfer.Copied += copied;
        transfer.CopiedBytes += bytes;
        transfer.Linked += linked;
        transfer.Unchanged += unchanged;
    }

    private static void Walk(string from, string to, string? reference, List<(FileInfo File, string Target, string? Known)> files, CancellationToken cancellationToken)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(to, entry.Name);
            var known = reference is null ? null : Path.Combine(reference, entry.Name);
            if (entry.LinkTarget is { } linkTarget)
            {
                if (new FileInfo(target).LinkTarget is { } existing)
                {
                    if (existing == linkTarget)
                    {
                        continue;
                    }

                    File.Delete(target);
                }
                else if (File.Exists(target))
                {
                    File.Delete(target);
                }

                File.CreateSymbolicLink(target, linkTarget);
            }
            else if (entry is DirectoryInfo folder)
            {
                Directory.CreateDirectory(target);
                Walk(folder.FullName, target, known is not null && Directory.Exists(known) ? known : null, files, cancellationToken);
            }
            else if (entry is FileInfo file && Snapshots.EntryKinds.Of(file.FullName) == Snapshots.EntryKind.File)
            {
                // Regular files only: FIFOs, sockets and devices would block or mean nothing in a cache.
                files.Add((file, target, known));
            }
        }
    }

    private void RemoveOldGenerations(string newest)
    {
        // Named when they were done, so the order is the order of the swaps; the one `current` names now (another
        // save's, swapped in meanwhile) is never removed.
        var current = Current is { } now ? Path.GetFileName(now) : null;
        var generations = Directory.EnumerateDirectories(Root, "gen-*").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        foreach (var old in generations.Where(g => g != newest).Reverse().Skip(KeptGenerations - 1).Where(g => g != current))
        {
            TryDelete(Path.Combine(Root, old));
        }

        // A swap's new link lives for an instant: one older than a minute is what a killed save left (a younger one
        // may be another save's, about to be renamed over `current`).
        foreach (var pending in Directory.EnumerateFileSystemEntries(Root, $"{CurrentLink}.gen-*").Where(p => DoneAt(Path.GetFileName(p)[(CurrentLink.Length + 1)..]) < DateTime.UtcNow.AddMinutes(-1)))
        {
            TryDelete(pending);
        }

        // What a save that died (a killed process) left half-written.
        foreach (var stale in Directory.EnumerateDirectories(Root, "tmp-*").Where(d => Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddHours(-1)))
        {
            TryDelete(stale);
        }
    }

    /// <summary>When generation <paramref name="name"/> (<c>gen-TIME-RANDOM</c>) was done; the epoch for a name of another form.</summary>
    private static DateTime DoneAt(string name)
    {
        var parts = name.Split('-');
        return parts.Length == 3 && DateTime.TryParseExact(parts[1], "yyyyMMddHHmmssfffffff", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : DateTime.MinValue;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder another process still reads; the next save tries again.
        }
    }

    private static bool HardLink(string existing, string target) => SysLink(existing, target) == 0;

    /// <summary>rename(2): replaces the link itself in one step (File.Move follows a link to a folder and refuses).</summary>
    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SysRename(string from, string to);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SysLink(string existing, string target);
}
