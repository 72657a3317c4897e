using System.Diagnostics;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// One output of a job on an SSH host (its <c>stdout</c> or <c>stderr</c> file there), read as one stream for as long
/// as the job runs. It counts the bytes it has handed out; when the connection drops, it reconnects and asks the host
/// for the file from the next byte on, so the log gets every byte once: none lost, none repeated. It ends when the
/// job has ended and everything is read, or when the host stays unreachable for <see cref="SshReconnect.Window"/>.
/// </summary>
public sealed class ResumingOutputStream(SshConnection connection, RemoteJobFolder folder, string file, int pid, SshReconnect reconnect) : Stream
{
    private Process? _current;
    private long _offset;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _offset; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!_ended)
        {
            if (_current is null)
            {
                connection.EnsureMaster();
                try
                {
                    _current = connection.Start(folder.FollowCommand(file, _offset, pid));
                    _ = _current.StandardError.ReadToEndAsync(cancellationToken);
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    _ended = true;
                    break;
                }
            }

            var read = await _current.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                _offset += read;
                reconnect.Succeeded();
                return read;
            }

            await _current.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var code = _current.ExitCode;
            _current.Dispose();
            _current = null;
            if (code != SshFailure.SshError)
            {
                // tail ended on its own: the job has ended and the file has been read to its end.
                _ended = true;
                break;
            }

            if (!await reconnect.WaitBeforeRetryAsync(cancellationToken).ConfigureAwait(false))
            {
                _ended = true;
                break;
            }
        }

        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _current is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
            _current = null;
        }

        _ended = true;
        base.Dispose(disposing);
    }
}
