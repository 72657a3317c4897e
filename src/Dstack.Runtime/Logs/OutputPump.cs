using System.Text;

namespace Dstack.Runtime.Logs;

/// <summary>
/// Copies one pipe of a job into its log. Without secrets the bytes go through as they come. With secrets, whole
/// lines are masked before they are written (the log never holds a secret); a partial line is written, masked, once
/// the pipe goes quiet, so prompts and progress bars still show.
/// </summary>
public sealed class OutputPump
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _source;
    private readonly LogStream _stream;
    private readonly JobLogWriter _log;
    private readonly Func<string, string>? _mask;

    public OutputPump(Stream source, LogStream stream, JobLogWriter log, Func<string, string>? mask)
    {
        _source = source;
        _stream = stream;
        _log = log;
        _mask = mask;
    }

    public long Bytes { get; private set; }

    /// <summary>Copies until the pipe closes (every process holding it has ended).</summary>
    public async Task RunAsync()
    {
        var buffer = new byte[BufferSize];
        var pending = new MemoryStream();
        while (true)
        {
            int read;
            try
            {
                read = await _source.ReadAsync(buffer).ConfigureAwait(false);
            }
            catch (IOException)
            {
                read = 0;
            }

            if (read == 0)
            {
                break;
            }

            Bytes += read;
            if (_mask is null)
            {
                _log.Write(_stream, buffer.AsSpan(0, read));
                continue;
            }

            pending.Write(buffer, 0, read);
            var bytes = pending.GetBuffer().AsSpan(0, (int)pending.Length);
            var lastBreak = bytes.LastIndexOfAny((byte)'\n', (byte)'\r');
            var quiet = read < buffer.Length;
            var cut = quiet || bytes.Length > BufferSize ? bytes.Length : lastBreak + 1;
            if (cut > 0)
            {
                WriteMasked(bytes[..cut]);
                var rest = bytes[cut..].ToArray();
                pending.SetLength(0);
                pending.Write(rest);
            }
        }

        if (pending.Length > 0)
        {
            WriteMasked(pending.GetBuffer().AsSpan(0, (int)pending.Length));
        }
    }

    private void WriteMasked(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var masked = _mask!(text);
        if (ReferenceEquals(masked, text) || masked == text)
        {
            _log.Write(_stream, bytes);
        }
        else
        {
            _log.Write(_stream, Encoding.UTF8.GetBytes(masked));
        }
    }
}
