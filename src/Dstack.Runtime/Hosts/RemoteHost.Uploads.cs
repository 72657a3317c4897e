using System.Formats.Tar;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Hosts;

/// <summary>Files sent to a job's host beside its code: a workflow's cache before it starts, its deps' artifacts.</summary>
public sealed partial class RemoteHost
{
    public async Task UploadAsync(int rank, string source, string path, bool readOnly, CancellationToken cancellationToken)
    {
        if (Connect() is { } problem)
        {
            throw new JobCodeException(problem.Code, problem.Message);
        }

        if (!path.StartsWith('/') && path.Split('/').Contains(".."))
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.InvalidOption, $"{path}: the path leaves the job's code folder; name a path inside it, under ~, or an absolute one");
        }

        var trimmed = path.TrimEnd('/');
        var target = trimmed.StartsWith('/') ? ShellQuote.Quote(trimmed)
            : trimmed.StartsWith("~/", StringComparison.Ordinal) ? $"\"$HOME\"/{ShellQuote.Quote(trimmed[2..])}"
            : $"{RemoteJobFolder.For(_context.Home, _context.Run, rank).Path}/code/{ShellQuote.Quote(trimmed)}";
        var isFolder = Directory.Exists(source);

        // What the host already has (a cache restored there before, a home folder kept between runs): files of the same
        // size and modification time are not sent again.
        var present = isFolder ? await ListFilesAsync(target, cancellationToken).ConfigureAwait(false) : [];

        // A folder is unpacked into the target; a file into the target's folder under the target's name.
        var into = isFolder ? target : $"\"$(dirname {target})\"";
        var protect = readOnly ? $" && find {target} -type f -exec chmod a-w {{}} +" : string.Empty;
        var command = $"mkdir -p {into} && tar -xf - -C {into}{protect}";
        using var process = Connection.Start(command, withInput: true);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        IOException? failed = null;
        try
        {
            await using (var input = process.StandardInput.BaseStream)
            {
                if (isFolder)
                {
                    await WriteChangedAsync(input, source, present, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await using var writer = new TarWriter(input, TarEntryFormat.Pax, leaveOpen: true);
                    await writer.WriteEntryAsync(source, Path.GetFileName(trimmed), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (IOException e)
        {
            failed = e;
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var said = (await errors.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0 || failed is not null)
        {
            var why = process.ExitCode != 0 && said.Length > 0 ? said.Split('\n')[0] : failed?.Message ?? $"tar exited with code {process.ExitCode}";
            throw new JobCodeException(Diagnostics.DiagnosticCodes.CodeUploadFailed, $"{source} could not be copied to {path} on {Name} (job {rank}): {why}");
        }
    }

    /// <summary>The files under <paramref name="target"/> on the host, by relative path: size and whole seconds of their time.</summary>
    private async Task<Dictionary<string, (long Size, long Seconds)>> ListFilesAsync(string target, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        using var process = Connection.Start($"cd {target} 2>/dev/null && find . -type f -printf '%P\\t%s\\t%T@\\n' || true");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var parts = line.Split('\t');
            if (parts.Length == 3 && long.TryParse(parts[1], out var size) && double.TryParse(parts[2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var time))
            {
                files[parts[0]] = (size, (long)Math.Floor(time));
            }
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await errors.ConfigureAwait(false);
        return files;
    }

    /// <summary>Writes the folders, links and the files the host lacks (or has with another size or time) as a tar stream.</summary>
    private static async Task WriteChangedAsync(Stream output, string source, Dictionary<string, (long Size, long Seconds)> present, CancellationToken cancellationToken)
    {
        if (!await WriteEntriesAsync(output, source, present, cancellationToken).ConfigureAwait(false))
        {
            // .NET ends an archive only after an entry; tar refuses an empty stream ("This does not look like a tar
            // archive"), so an empty folder, or one the host has whole, is sent as the two zero blocks that end an archive.
            await output.WriteAsync(new byte[1024], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The entries of <see cref="WriteChangedAsync"/>; false when there was none to write.</summary>
    private static async Task<bool> WriteEntriesAsync(Stream output, string source, Dictionary<string, (long Size, long Seconds)> present, CancellationToken cancellationToken)
    {
        var wrote = false;
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var pending = new Stack<string>([source]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = Path.GetRelativePath(source, entry.FullName).Replace('\\', '/');
                if (entry.LinkTarget is not null)
                {
                    await writer.WriteEntryAsync(entry.FullName, relative, cancellationToken).ConfigureAwait(false);
                    wrote = true;
                }
                else if (entry is DirectoryInfo)
                {
                    await writer.WriteEntryAsync(entry.FullName, relative, cancellationToken).ConfigureAwait(false);
                    wrote = true;
                    pending.Push(entry.FullName);
                }
                else if (entry is FileInfo file && Snapshots.EntryKinds.Of(file.FullName) == Snapshots.EntryKind.File
                    && !(present.TryGetValue(relative, out var there) && there.Size == file.Length && there.Seconds == new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeSeconds()))
                {
                    await writer.WriteEntryAsync(file.FullName, relative, cancellationToken).ConfigureAwait(false);
                    wrote = true;
                }
            }
        }

        return wrote;
    }
}
