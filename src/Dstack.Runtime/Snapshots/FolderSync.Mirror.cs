namespace Dstack.Runtime.Snapshots;

public sealed partial class FolderSync
{
    // Paths of the source known to be in the copy: the last full listing plus what events synced since. Owned by the sync thread.
    private readonly HashSet<string> mirrored = new(StringComparer.Ordinal);

    // Special files already reported as skipped. Owned by the sync thread.
    private readonly HashSet<string> reportedSpecial = new(StringComparer.Ordinal);
    private IgnoreRules rules;

    private void Apply(List<string> paths, bool rescan, CancellationToken cancellationToken)
    {
        if (!rescan && paths.Any(p => IgnoreRules.IsIgnoreFileName(RelativePath.Name(p))))
        {
            // Rules changed: files may have become ignored or stopped being ignored anywhere below.
            rescan = true;
        }

        if (rescan)
        {
            Guard("", () => Rescan(cancellationToken));
            return;
        }

        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Guard(path, () => Reconcile(path, cancellationToken));
        }
    }

    private void Guard(string path, Action action)
    {
        try
        {
            action();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // One path that cannot be synced must not stop the others.
            Report(new FolderSyncChange(FolderSyncChangeKind.Failed, path, e.Message));
        }
    }

    private void Rescan(CancellationToken cancellationToken)
    {
        rules = IgnoreRules.Load(SourceRoot, IgnoreSources.All);
        var listing = WorkTreeListing.Read(SourceRoot, IgnoreSources.All, leaveOut);
        foreach (var special in listing.SpecialFiles)
        {
            ReportSpecial(special.Path, special.Kind);
        }

        var now = listing.Files.Where(p => !IsLeftOut(p)).ToHashSet(StringComparer.Ordinal);
        foreach (var path in listing.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (now.Contains(path))
            {
                Guard(path, () => CopyIfChanged(path, KindOf(Path.Join(SourceRoot, path))));
            }
        }

        foreach (var gone in mirrored.Where(p => !now.Contains(p)).Order(StringComparer.Ordinal).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            Guard(gone, () => Remove(gone));
        }

        mirrored.Clear();
        mirrored.UnionWith(now);
        Report(new FolderSyncChange(FolderSyncChangeKind.Rescanned, ""));
    }

    /// <summary>Makes the target's entry at <paramref name="path"/> what the source's is now, whatever the event was.</summary>
    private void Reconcile(string path, CancellationToken cancellationToken)
    {
        if (IsLeftOut(path))
        {
            return;
        }

        var kind = KindOf(Path.Join(SourceRoot, path));
        var isFolder = kind == EntryKind.Folder || kind == EntryKind.Missing && KindOf(RelativePath.Under(TargetRoot, path)) == EntryKind.Folder;
        if (!mirrored.Contains(path) && rules.IsExcluded(path, isFolder))
        {
            return;
        }

        switch (kind)
        {
            case EntryKind.Missing:
                Remove(path);
                break;
            case EntryKind.Folder:
                EnsureFolder(path);

                // Files made in a new folder before the watcher saw it raise no event of their own.
                var special = new List<SpecialFile>();
                foreach (var file in WorkTreeListing.Walk(SourceRoot, rules, [], special, leaveOut, path))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Guard(file, () => CopyIfChanged(file, KindOf(Path.Join(SourceRoot, file))));
                }

                foreach (var file in special)
                {
                    ReportSpecial(file.Path, file.Kind);
                }

                break;
            case var _ when kind.IsSpecial():
                // Never opened: a FIFO would block this thread, and with it the end of the run. A file it replaced is gone.
                Remove(path);
                ReportSpecial(path, kind.Describe());
                break;
            default:
                CopyIfChanged(path, kind);
                break;
        }
    }

    private void CopyIfChanged(string path, EntryKind kind)
    {
        var source = Path.Join(SourceRoot, path);
        var destination = RelativePath.Under(TargetRoot, path);
        if (kind is not (EntryKind.File or EntryKind.Link))
        {
            return;
        }

        if (kind == EntryKind.Link ? SameLink(source, destination) : SameFile(source, destination))
        {
            mirrored.Add(path);
            return;
        }

        EnsureFolder(RelativePath.Parent(path));
        var temporary = Path.Join(Path.GetDirectoryName(destination), $".dstack-sync-{Guid.NewGuid():N}.tmp");
        try
        {
            if (kind == EntryKind.Link)
            {
                File.CreateSymbolicLink(temporary, new FileInfo(source).LinkTarget ?? throw new FileNotFoundException("the link is gone", source));
            }
            else
            {
                // File.Copy keeps the permission bits and the modification time, which SameFile compares.
                File.Copy(source, temporary);
            }

            if (KindOf(destination) == EntryKind.Folder)
            {
                Directory.Delete(destination, recursive: true);
            }

            // rename(2): the job sees the old file or the new one, never a part.
            File.Move(temporary, destination, overwrite: true);
            mirrored.Add(path);
            Report(new FolderSyncChange(FolderSyncChangeKind.Copied, path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && KindOf(source) == EntryKind.Missing)
        {
            // Deleted before it could be copied: its own event removes it from the target.
        }
        finally
        {
            if (KindOf(temporary) != EntryKind.Missing)
            {
                File.Delete(temporary);
            }
        }
    }

    private void Remove(string path)
    {
        var destination = RelativePath.Under(TargetRoot, path);
        var kind = KindOf(destination);
        mirrored.Remove(path);
        if (kind == EntryKind.Missing)
        {
            return;
        }

        if (kind == EntryKind.Folder)
        {
            var below = path + "/";
            mirrored.RemoveWhere(p => p.StartsWith(below, StringComparison.Ordinal));
            Directory.Delete(destination, recursive: true);
        }
        else
        {
            File.Delete(destination);
        }

        Report(new FolderSyncChange(FolderSyncChangeKind.Deleted, path));
    }

    /// <summary>Creates the target folder <paramref name="path"/> and its parents, replacing files or links in the way.</summary>
    private void EnsureFolder(string path)
    {
        if (path.Length == 0)
        {
            return;
        }

        var folder = "";
        foreach (var segment in path.Split('/'))
        {
            folder = RelativePath.Join(folder, segment);
            var full = RelativePath.Under(TargetRoot, folder);
            var kind = KindOf(full);
            if (kind == EntryKind.Folder)
            {
                continue;
            }

            if (kind != EntryKind.Missing)
            {
                // Never create below a link: that would write outside the target.
                File.Delete(full);
            }

            Directory.CreateDirectory(full);
            Report(new FolderSyncChange(FolderSyncChangeKind.FolderCreated, folder));
        }
    }

    private bool IsLeftOut(string path) => leaveOut.Count > 0 && WorkTreeListing.IsLeftOut(path, leaveOut);

    private void ReportSpecial(string path, string kind)
    {
        if (reportedSpecial.Add(path))
        {
            Report(new FolderSyncChange(FolderSyncChangeKind.Skipped, path, kind));
        }
    }

    private static EntryKind KindOf(string full) => EntryKinds.Of(full);

    private static bool SameFile(string source, string destination)
    {
        var from = new FileInfo(source);
        var to = new FileInfo(destination);
        return from.Exists && to.Exists && to.LinkTarget is null && from.Length == to.Length && from.LastWriteTimeUtc == to.LastWriteTimeUtc
            && (OperatingSystem.IsWindows() || from.UnixFileMode == to.UnixFileMode);
    }

    private static bool SameLink(string source, string destination) =>
        new FileInfo(source).LinkTarget is { } link && new FileInfo(destination).LinkTarget == link;
}
