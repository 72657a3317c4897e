using System.Security.Cryptography;
using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Pipelines;

/// <summary>Comparing every destination with what is there, copying, and checking the copy.</summary>
public sealed partial class ArtifactDownload
{
    private const int BufferSize = 1 << 20;

    private readonly List<Entry> _entries = [];

    private enum Step
    {
        /// <summary>Nothing is there: written.</summary>
        Create,

        /// <summary>The same content is there already: left as it is.</summary>
        Same,

        /// <summary>Something different is there: replaced, with force only.</summary>
        Replace,
    }

    /// <summary>Existing destinations that differ from the artifacts, in words (<c>DIR/output/a.txt (a different file)</c>); filled by <see cref="Plan"/>.</summary>
    public IReadOnlyList<string> Conflicts => [.. _entries.Where(e => e.Step == Step.Replace).Select(e => $"{e.Destination} ({e.Difference})")];

    /// <summary>Bytes of the files to write (not those already there).</summary>
    public long BytesToCopy => _entries.Where(e => e.Kind == EntryKind.File && e.Step != Step.Same).Sum(e => e.Length);

    /// <summary>Walks every pick and compares each entry with what is at its destination; nothing is written.</summary>
    public void Plan()
    {
        _entries.Clear();
        foreach (var pick in Picks)
        {
            Walk(pick.Source, pick.Destination, compare: true);
        }
    }

    /// <summary>
    /// Writes what <see cref="Plan"/> found missing or different (different only when <paramref name="force"/>; without
    /// it, conflicts are an <see cref="InvalidOperationException"/> and nothing is written). Reports bytes written so far
    /// and in all through <paramref name="progress"/>. Returns the files written and those that were already there.
    /// Cancelling stops between two chunks (<see cref="OperationCanceledException"/>): the files written so far are
    /// whole, and no temporary file is left.
    /// </summary>
    public (long Written, long Unchanged) Copy(bool force, Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!force && _entries.Any(e => e.Step == Step.Replace))
        {
            throw new InvalidOperationException("the download would overwrite different files; plan it and check Conflicts first");
        }

        foreach (var pick in Picks)
        {
            // DIR/home/.cache for ~/.cache/x: the folders above an artifact are not part of it.
            Directory.CreateDirectory(Path.GetDirectoryName(pick.Destination)!);
        }

        var total = BytesToCopy;
        long done = 0;
        long written = 0;
        var buffer = new byte[BufferSize];
        foreach (var entry in _entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Step == Step.Same)
            {
                continue;
            }

            if (entry.Step == Step.Replace && (entry.Kind != EntryKind.File || EntryKinds.Of(entry.Destination) == EntryKind.Folder))
            {
                // A file is renamed over a file or link; anything else in the way goes first.
                Remove(entry.Destination);
            }

            switch (entry.Kind)
            {
                case EntryKind.Folder:
                    Directory.CreateDirectory(entry.Destination);
                    break;
                case EntryKind.Link:
                    File.CreateSymbolicLink(entry.Destination, new FileInfo(entry.Source).LinkTarget!);
                    written++;
                    break;
                default:
                    CopyFile(entry, buffer, bytes =>
                    {
                        done += bytes;
                        progress?.Invoke(done, total);
                    }, cancellationToken);
                    written++;
                    break;
            }
        }

        // Folders last, deepest first: a read-only folder must not refuse its own files, and writing into one changes its time.
        foreach (var folder in _entries.Where(e => e.Kind == EntryKind.Folder).Reverse())
        {
            KeepModeAndTime(folder.Source, folder.Destination);
        }

        return (written, _entries.Count(e => e.Step == Step.Same && e.Kind != EntryKind.Folder));
    }

    /// <summary>
    /// Measures each whole artifact downloaded (<see cref="ArtifactMeasure"/>): the copy when it holds exactly the
    /// artifact's entries, else (the destination held other files too, which would change the hash) the saved copy it
    /// came from.
    /// </summary>
    public IReadOnlyList<ArtifactCheck> Verify() => [.. Picks.Where(p => p.Whole).Select(pick =>
    {
        var ofCopy = EntriesOf(pick.Source).SequenceEqual(EntriesOf(pick.Destination), StringComparer.Ordinal);
        var measured = ofCopy ? pick.Destination : pick.Source;
        var (files, size, sha256) = ArtifactMeasure.Of(measured);
        return new ArtifactCheck(pick, measured, ofCopy, files, size, sha256);
    })];

    private void Walk(string source, string destination, bool compare)
    {
        var kind = EntryKinds.Of(source);
        if (kind is not (EntryKind.File or EntryKind.Folder or EntryKind.Link))
        {
            // Special files were never saved; a file that vanished since the plan began is not there to copy.
            return;
        }

        var there = compare ? EntryKinds.Of(destination) : EntryKind.Missing;
        var (step, difference) = there == EntryKind.Missing ? (Step.Create, string.Empty) : Compare(kind, source, there, destination);
        _entries.Add(new Entry(kind, source, destination, step, kind == EntryKind.File ? new FileInfo(source).Length : 0, difference));
        if (kind == EntryKind.Folder)
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(source).Order(StringComparer.Ordinal))
            {
                // Under a folder that replaces something else there is nothing to compare with.
                Walk(child, Path.Combine(destination, Path.GetFileName(child)), compare && step != Step.Replace);
            }
        }
    }

    private static (Step Step, string Difference) Compare(EntryKind kind, string source, EntryKind there, string destination)
    {
        if (kind != there)
        {
            return (Step.Replace, $"a {there.Describe()} here, a {kind.Describe()} in the artifact");
        }

        return kind switch
        {
            EntryKind.Folder => (Step.Same, string.Empty),
            EntryKind.Link => new FileInfo(source).LinkTarget == new FileInfo(destination).LinkTarget
                ? (Step.Same, string.Empty)
                : (Step.Replace, $"a link to {new FileInfo(destination).LinkTarget}, the artifact's goes to {new FileInfo(source).LinkTarget}"),
            _ => SameBytes(source, destination) ? (Step.Same, string.Empty) : (Step.Replace, "a different file"),
        };
    }

    private static bool SameBytes(string a, string b)
    {
        if (new FileInfo(a).Length != new FileInfo(b).Length)
        {
            return false;
        }

        using var first = new FileStream(a, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var second = new FileStream(b, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var left = new byte[1 << 16];
        var right = new byte[1 << 16];
        while (true)
        {
            var read = first.ReadAtLeast(left, left.Length, throwOnEndOfStream: false);
            if (read != second.ReadAtLeast(right, right.Length, throwOnEndOfStream: false) || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
            {
                return false;
            }

            if (read < left.Length)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Written beside the destination under a temporary name, then renamed over it: never a half-written file in its
    /// place. A cancelled or failed copy removes its temporary file.
    /// </summary>
    private static void CopyFile(Entry entry, byte[] buffer, Action<long> copied, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(entry.Destination)!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(entry.Destination)}.dstack-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        try
        {
            using (var from = new FileStream(entry.Source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            using (var to = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                int read;
                while ((read = from.Read(buffer)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    to.Write(buffer, 0, read);
                    copied(read);
                }
            }

            KeepModeAndTime(entry.Source, temporary);
            File.Move(temporary, entry.Destination, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            throw;
        }
    }

    private static void KeepModeAndTime(string source, string destination)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
        }

        File.SetLastWriteTimeUtc(destination, File.GetLastWriteTimeUtc(source));
    }

    private static void Remove(string path)
    {
        if (EntryKinds.Of(path) == EntryKind.Folder)
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    /// <summary>One file, link or folder of an artifact and what to do at its destination.</summary>
    private sealed record Entry(EntryKind Kind, string Source, string Destination, Step Step, long Length, string Difference);
}
