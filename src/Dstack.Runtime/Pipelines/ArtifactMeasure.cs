using System.Security.Cryptography;
using System.Text;

namespace Dstack.Runtime.Pipelines;

/// <summary>
/// The files, bytes and content hash of a saved artifact (a file or a folder): what the state store records and what
/// <c>dstack artifacts download</c> checks its copy against. The hash covers each entry's relative path, kind, size
/// (or link target) and bytes, in ordinal path order, so a renamed, changed, added or lost file changes it.
/// </summary>
public static class ArtifactMeasure
{
    public static (long Files, long Size, string Sha256) Of(string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long files = 0;
        long size = 0;
        var buffer = new byte[1 << 16];

        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));

        void Entry(string full, string relative)
        {
            switch (Snapshots.EntryKinds.Of(full))
            {
                case Snapshots.EntryKind.Link:
                    files++;
                    Add($"L\0{relative}\0{new FileInfo(full).LinkTarget}\0");
                    return;
                case Snapshots.EntryKind.Folder:
                    Add($"D\0{relative}\0");
                    foreach (var child in Directory.EnumerateFileSystemEntries(full).Order(StringComparer.Ordinal))
                    {
                        Entry(child, relative.Length == 0 ? Path.GetFileName(child) : $"{relative}/{Path.GetFileName(child)}");
                    }

                    return;
                case Snapshots.EntryKind.File:
                    break;
                default:
                    // Special files (FIFOs, sockets, devices) are never opened, and never saved.
                    return;
            }

            var length = new FileInfo(full).Length;
            files++;
            size += length;
            Add($"F\0{relative}\0{length}\0");
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        Entry(path, string.Empty);
        return (files, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
