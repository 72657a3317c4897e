namespace Dstack.Runtime.Pipelines;

/// <summary>Copies a file or a folder over a path of this machine, as a cache restore does; optionally read-only.</summary>
public static class TreeCopy
{
    private const UnixFileMode WriteBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Lays <paramref name="source"/> (a file or a folder) over <paramref name="target"/>; with
    /// <paramref name="readOnly"/>, every file copied loses its write permission (folders keep theirs).
    /// </summary>
    public static CacheTransfer Into(string source, string target, bool readOnly, CancellationToken cancellationToken = default)
    {
        CacheTransfer transfer;
        if (Directory.Exists(source) && new FileInfo(source).LinkTarget is null)
        {
            transfer = WorkflowCache.CopyInto(source, target, cancellationToken);
            if (readOnly && !OperatingSystem.IsWindows())
            {
                foreach (var file in new DirectoryInfo(target).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
                {
                    if (file.LinkTarget is null)
                    {
                        file.UnixFileMode &= ~WriteBits;
                    }
                }
            }

            return transfer;
        }

        transfer = new CacheTransfer();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        if (File.Exists(target) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserWrite);
        }

        File.Copy(source, target, overwrite: true);
        transfer.Copied = 1;
        transfer.CopiedBytes = new FileInfo(target).Length;
        if (readOnly && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, File.GetUnixFileMode(target) & ~WriteBits);
        }

        return transfer;
    }
}
