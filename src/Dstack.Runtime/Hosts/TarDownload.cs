using System.Formats.Tar;

namespace Dstack.Runtime.Hosts;

/// <summary>
/// Unpacks a tar stream from another machine into a folder of this one, taking only folders, regular files and
/// symbolic links (FIFOs, sockets and devices are left out), and never writing outside the folder: an entry whose
/// path would leave it is refused with its name.
/// </summary>
internal static class TarDownload
{
    /// <summary>Unpacks <paramref name="archive"/> into <paramref name="destination"/>; returns how many entries were written.</summary>
    /// <exception cref="IOException">An entry's path leaves the destination, or a file cannot be written.</exception>
    public static async Task<int> ExtractAsync(Stream archive, string destination, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(destination).TrimEnd('/') + "/";
        Directory.CreateDirectory(root);
        var written = 0;
        await using var reader = new TarReader(archive);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            var target = Path.GetFullPath(Path.Combine(root, entry.Name));
            if (!(target + "/").StartsWith(root, StringComparison.Ordinal))
            {
                throw new IOException($"the archive's entry {entry.Name} would be written outside {destination}; nothing of it was");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await entry.ExtractToFileAsync(target, overwrite: true, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryType.SymbolicLink:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Delete(target);
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                default:
                    // FIFOs, sockets, devices, hard links: left out, as the code upload leaves them out.
                    continue;
            }

            written++;
        }

        return written;
    }
}
