using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dstack.Runtime.Snapshots;

/// <summary>
/// The files of the user's code folder that a job gets (see <see cref="WorkTreeListing"/> for which), with their
/// sizes, ready to be copied into the job's working copy.
/// </summary>
public sealed partial class CodeSnapshot
{
    private readonly SnapshotEntry[] entries;

    internal CodeSnapshot(string root, IEnumerable<SnapshotEntry> entries, bool fromGit, IReadOnlyList<SpecialFile>? specialFiles = null, string? leftOut = null)
    {
        Root = root;
        this.entries = [.. entries.OrderBy(e => e.Path, StringComparer.Ordinal)];
        Files = Array.AsReadOnly(this.entries.Select(e => e.Path).ToArray());
        TotalBytes = this.entries.Sum(e => e.Length);
        FromGit = fromGit;
        SpecialFiles = specialFiles ?? [];
        LeftOut = leftOut;
    }

    /// <summary>The scanned folder, a full path.</summary>
    public string Root { get; }

    /// <summary>Relative paths with '/' separators, sorted ordinal. Symbolic links are included as files.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The size of all files (a symbolic link counts the length of its target text).</summary>
    public long TotalBytes { get; }

    /// <summary>True when git listed the files (the folder is in a git work tree and git is installed).</summary>
    public bool FromGit { get; }

    /// <summary>FIFOs, sockets and devices found in the folder: left out, never opened; the run's log names them.</summary>
    public IReadOnlyList<SpecialFile> SpecialFiles { get; }

    /// <summary>The relative path of <c>$DSTACK_HOME</c> when it is inside the folder (and so left out); null otherwise.</summary>
    public string? LeftOut { get; }

    /// <summary>
    /// Lists the files of <paramref name="root"/> that a job gets, honouring .gitignore and .dstackignore. When
    /// <paramref name="dstackHome"/> is inside the folder (symbolic links resolved on both), it is left out: its
    /// database and the logs and working copies of other runs are no part of the code.
    /// </summary>
    /// <exception cref="SnapshotException">The folder does not exist, or a folder in it cannot be read.</exception>
    public static CodeSnapshot Scan(string root, string? dstackHome = null)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!Directory.Exists(full))
        {
            throw File.Exists(full)
                ? new SnapshotException($"the code folder {full} is a file; pass the folder that holds your code", full)
                : new SnapshotException($"the code folder {full} does not exist; check the path, or run from the folder that holds your code", full);
        }

        var leftOut = dstackHome is null ? null : RealPath.Inside(full, dstackHome);
        var listing = WorkTreeListing.Read(full, IgnoreSources.All, leftOut is null ? [] : [leftOut]);
        if (listing.UnreadableFolders.Count > 0)
        {
            var folder = Path.Join(full, listing.UnreadableFolders[0]);
            throw new SnapshotException($"cannot read the folder {folder}; make it readable (chmod u+rx) or add it to .dstackignore", folder);
        }

        var entries = new List<SnapshotEntry>(listing.Files.Count);
        foreach (var path in listing.Files)
        {
            var info = new FileInfo(Path.Join(full, path));
            var link = info.LinkTarget;
            if (link is not null)
            {
                entries.Add(new SnapshotEntry(path, Encoding.UTF8.GetByteCount(link), link));
            }
            else if (info.Exists)
            {
                entries.Add(new SnapshotEntry(path, info.Length, null));
            }

            // Else it vanished since the listing: as if it had not been there.
        }

        return new CodeSnapshot(full, entries, listing.FromGit, listing.SpecialFiles, leftOut);
    }

    /// <summary>
    /// A SHA-256 (lower-case hex) over the sorted relative paths, each file's kind (plain, executable, symbolic
    /// link) and its contents (a link's target text): equal for equal working copies, for caching.
    /// </summary>
    /// <exception cref="SnapshotException">A file cannot be read.</exception>
    public string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        Span<byte> length = stackalloc byte[8];
        foreach (var entry in entries)
        {
            var source = Path.Join(Root, entry.Path);
            hash.AppendData(Encoding.UTF8.GetBytes(entry.Path));
            if (entry.LinkTarget is { } link)
            {
                hash.AppendData("\0l\0"u8);
                hash.AppendData(Encoding.UTF8.GetBytes(link));
                continue;
            }

            try
            {
                if (EntryKinds.Of(source).IsSpecial())
                {
                    // Replaced by a FIFO or socket since the scan: never opened (a FIFO would wait for a writer).
                    hash.AppendData("\0s\0"u8);
                    continue;
                }

                using var stream = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                hash.AppendData(IsExecutable(source) ? "\0x\0"u8 : "\0f\0"u8);
                BinaryPrimitives.WriteInt64LittleEndian(length, stream.Length);
                hash.AppendData(length);
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer.AsSpan(0, read));
                }
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                hash.AppendData("\0-\0"u8);
            }
            catch (UnauthorizedAccessException e)
            {
                throw Unreadable(source, e);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static SnapshotException Unreadable(string path, Exception inner) =>
        new($"cannot read {path}: {inner.Message}; make it readable (chmod u+r) or add it to .dstackignore", path, inner);
}
