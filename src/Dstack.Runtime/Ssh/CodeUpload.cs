using System.Diagnostics;
using System.Formats.Tar;
using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// Sends a code snapshot to a job's folder on an SSH host as one tar stream over the connection (no temporary
/// archive on either side). The host unpacks it into <c>code.partial</c> and renames it to <c>code</c> only when
/// tar succeeded, so a half-written upload (a full disk, a dropped link) is never taken for the code. FIFOs, sockets
/// and devices are never sent (the snapshot leaves them out, and one that replaced a file since is skipped here).
/// </summary>
public static class CodeUpload
{
    private const int BufferSize = 256 * 1024;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>Uploads <paramref name="snapshot"/>; throws <see cref="CodeUploadException"/> with the reason in words.</summary>
    /// <param name="connection">The host's connection.</param>
    /// <param name="folder">The job's folder there.</param>
    /// <param name="snapshot">The files to send.</param>
    /// <param name="progress">Called with the bytes of file content sent so far, every two seconds and at the end.</param>
    /// <param name="cancellationToken">Stops the upload.</param>
    public static async Task SendAsync(SshConnection connection, RemoteJobFolder folder, CodeSnapshot snapshot, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        connection.EnsureMaster();
        var marker = $".dstack-upload-complete-{Guid.NewGuid():N}";
        using var process = connection.Start(folder.ReceiveCodeCommand(marker), withInput: true);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var sent = 0L;
        IOException? broken = null;
        try
        {
            // Blocking reads and writes on a thread of its own: TarWriter's async path (files opened for async I/O,
            // async pipe writes) took three to five times this process's CPU for the same bytes, CPU that ssh's
            // encryption and the host's tar need on a small machine (docs/performance.md, "SSH hosts").
            // WriteTar checks the token itself and closes the pipe also when cancelled, so the host keeps nothing.
            sent = await Task.Factory.StartNew(
                () => WriteTar(process.StandardInput.BaseStream, snapshot, marker, progress, cancellationToken),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The host's tar stopped reading (it failed); its own words say why.
            broken = e;
        }
        catch (CodeUploadException)
        {
            // A file here could not be read; the pipe is closed on an archive cut short. The host removes its partial
            // folder before this says so.
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }

        try
        {
            // Disposing the tar stream closed the pipe already, unless the host stopped reading first.
            process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var said = await errors.ConfigureAwait(false);
        if (process.ExitCode == 0 && broken is null)
        {
            progress?.Invoke(sent);
            return;
        }

        throw new CodeUploadException(Explain(connection, process.ExitCode, said, broken, snapshot.TotalBytes));
    }

    /// <summary>
    /// Writes the snapshot as a tar stream to <paramref name="pipe"/>, then <paramref name="marker"/> as its last entry,
    /// and closes it; returns the content bytes sent. When a file here cannot be read, the stream is cut short without
    /// the marker (the host then keeps nothing) and <see cref="CodeUploadException"/> names the file.
    /// </summary>
    private static long WriteTar(Stream pipe, CodeSnapshot snapshot, string marker, Action<long>? progress, CancellationToken cancellationToken)
    {
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var writes = new CancellableWrites(pipe, cancellationToken);
        using var input = new BufferedStream(writes, BufferSize);
        using var writer = new TarWriter(input, TarEntryFormat.Pax, leaveOpen: true);
        var relative = string.Empty;
        try
        {
            foreach (var file in snapshot.Files)
            {
                relative = file;
                cancellationToken.ThrowIfCancellationRequested();
                var full = Path.Combine(snapshot.Root, relative);
                if (EntryKinds.Of(full).IsSpecial())
                {
                    // Replaced by a FIFO or socket since the scan: a socket fails the tar stream, and the host gets no such files.
                    continue;
                }

                writer.WriteEntry(full, relative);
                sent += new FileInfo(full) is { Exists: true, LinkTarget: null } info ? info.Length : 0;
                if (progress is not null && clock.Elapsed - lastReport >= ProgressInterval)
                {
                    lastReport = clock.Elapsed;
                    progress(sent);
                }
            }

            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, marker));
        }
        catch (Exception e)
        {
            // Whatever failed, the archive must not end well-formed: TarWriter's disposal would write its end blocks.
            writes.Abandon();
            if (writes.Failed || e is OperationCanceledException)
            {
                throw; // the host stopped reading (its tar says why), or the upload was cancelled
            }

            throw e switch
            {
                FileNotFoundException or DirectoryNotFoundException => new CodeUploadException($"{relative} disappeared while the code was uploaded; run again"),
                UnauthorizedAccessException or IOException => new CodeUploadException($"{relative} could not be read here: {e.Message}; make it readable, or leave it out of the code with .gitignore or .dstackignore"),
                _ => e,
            };
        }

        return sent;
    }

    private static string Explain(SshConnection connection, int exitCode, string said, IOException? broken, long codeBytes)
    {
        var host = connection.Host;
        var lines = said.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var freeLine = lines.FirstOrDefault(l => l.StartsWith("dstack-free-kb ", StringComparison.Ordinal));
        long? freeKb = freeLine is not null && long.TryParse(freeLine["dstack-free-kb ".Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb : null;
        lines = [.. lines.Where(l => l != freeLine)];

        // tar says "No space left on device", or only "Wrote only N of M bytes" when the last block did not fit.
        if (lines.Any(l => l.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) || l.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase))
            || (lines.Any(l => l.Contains("Wrote only", StringComparison.Ordinal)) && freeKb is < 1024))
        {
            var free = freeKb is { } k ? $" ({k} KB free after removing the partial upload)" : string.Empty;
            return $"the disk of {host.Name} ({host.Address}) is full: the code ({FormatSize(codeBytes)}) could not be written to ~/.dstack-runs there{free}, and nothing was kept; free space on it (df -h ~ there shows it), or leave large files out of the code with .gitignore or .dstackignore";
        }

        if (exitCode == SshFailure.SshError)
        {
            return $"the code could not be uploaded to {host.Name}: {connection.Describe(new Processes.ProgramRun(exitCode, string.Empty, said, false), TimeSpan.FromSeconds(SshCommand.ConnectTimeoutSeconds)).Message}";
        }

        var first = lines.FirstOrDefault() ?? broken?.Message ?? $"exit code {exitCode}";
        return $"the code could not be unpacked on {host.Name} ({host.Address}): {first}; nothing was kept there";
    }

    private static string FormatSize(long bytes) => bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / 1024.0 / 1024.0:0.#} MB";
}

/// <summary>The code could not be uploaded to a host; the message says why and what to do.</summary>
public sealed class CodeUploadException(string message) : Exception(message);

/// <summary>
/// The upload's pipe, with the cancellation token checked before every write: a cancelled upload stops within one
/// buffer, as the async writes did, and the host's tar, seeing the archive cut short, keeps nothing.
/// </summary>
internal sealed class CancellableWrites(Stream inner, CancellationToken cancellationToken) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>The pipe itself failed (the host stopped reading).</summary>
    public bool Failed { get; private set; }

    /// <summary>From now on nothing more reaches the pipe: the host's tar sees the archive cut short.</summary>
    public void Abandon() => _abandoned = true;

    private bool _abandoned;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_abandoned)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            inner.Write(buffer);
        }
        catch (IOException)
        {
            Failed = true;
            throw;
        }
    }

    public override void Flush()
    {
        if (!_abandoned)
        {
            inner.Flush();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
