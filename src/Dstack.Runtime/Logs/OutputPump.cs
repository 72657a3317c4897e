using System.Text;

namespace Dstack.Runtime.Logs;

/// <summary>
/// Copies one pipe of a job into its log. Without secrets the bytes go through as they come. With secrets, whole
/// lines are masked before they are written (the log never holds a secret); a partial line waits up to 200 ms for
/// its end, then is written masked, so prompts and progress bars still show.
/// </summary>
public sealed class OutputPump
{
    private const int BufferSize = 64 * 1024;

    private static readonly TimeSpan PartialLineWait = TimeSpan.FromMilliseconds(200);

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

    /// <summary>Copies until the pipe closes (every process holding it has ended).</summary>
    public async Task RunAsync()
    {
        var buffer = new byte[BufferSize];
        var pending = new MemoryStream();
        var reading = ReadAsync(buffer);
        while (true)
        {
            // A partial line waits briefly for its end (a secret may come in two writes), then shows as it is.
            if (_mask is not null && pending.Length > 0 && await Task.WhenAny(reading, Task.Delay(PartialLineWait)).ConfigureAwait(false) != reading)
            {
                var whole = CompleteUtf8Length(pending.GetBuffer().AsSpan(0, (int)pending.Length));
                WriteMasked(pending.GetBuffer().AsSpan(0, whole));
                var rest = pending.GetBuffer().AsSpan(whole, (int)pending.Length - whole).ToArray();
                pending.SetLength(0);
                pending.Write(rest);
            }

            var read = await reading.ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if (_mask is null)
            {
                _log.Write(_stream, buffer.AsSpan(0, read));
                reading = ReadAsync(buffer);
                continue;
            }

            pending.Write(buffer, 0, read);
            reading = ReadAsync(buffer);
            var bytes = pending.GetBuffer().AsSpan(0, (int)pending.Length);
            var cut = bytes.Length > BufferSize ? CompleteUtf8Length(bytes) : bytes.LastIndexOfAny((byte)'\n', (byte)'\r') + 1;
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

    private async Task<int> ReadAsync(byte[] buffer)
    {
        try
        {
            return await _source.ReadAsync(buffer).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>How many leading bytes end on a whole UTF-8 character, so a character split across reads is never decoded in halves.</summary>
    internal static int CompleteUtf8Length(ReadOnlySpan<byte> bytes)
    {
        for (var i = bytes.Length - 1; i >= 0 && i >= bytes.Length - 4; i--)
        {
            var b = bytes[i];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var length = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return i + length > bytes.Length ? i : bytes.Length;
        }

        return bytes.Length;
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
