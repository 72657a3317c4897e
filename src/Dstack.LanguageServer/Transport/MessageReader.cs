namespace Dstack.LanguageServer.Transport;

/// <summary>
/// Reads LSP base-protocol frames (<c>Content-Length: N</c>, a blank line, N bytes of UTF-8 JSON) from a stream.
/// Reads may split a frame anywhere or carry several frames; memory stays bounded: a header may not exceed
/// <see cref="MaxHeaderBytes"/>, and a body over the size limit is skipped, never buffered.
/// </summary>
public sealed class MessageReader
{
    /// <summary>The default largest body accepted: far above any configuration file an editor would send.</summary>
    public const int DefaultMaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>A header block longer than this, with no blank line yet, is garbage rather than a header.</summary>
    public const int MaxHeaderBytes = 8 * 1024;

    private readonly Stream _input;
    private readonly int _maxMessageBytes;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public MessageReader(Stream input, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        _input = input;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>
    /// The next message's body, or null when the input ends cleanly between messages.
    /// Throws <see cref="FramingException"/> for a malformed header, a body shorter than announced, a body over the
    /// size limit or in another charset than UTF-8 (those two are skipped, and reading may go on).
    /// </summary>
    public async ValueTask<byte[]?> ReadAsync(CancellationToken cancellation = default)
    {
        var header = await ReadHeaderAsync(cancellation).ConfigureAwait(false);
        if (header is null)
        {
            return null;
        }

        if (header.ContentLength > _maxMessageBytes)
        {
            await SkipAsync(header.ContentLength, cancellation).ConfigureAwait(false);
            throw new FramingException($"a message of {header.ContentLength} bytes exceeds the limit of {_maxMessageBytes} bytes and was skipped", canContinue: true);
        }

        if (!header.IsUtf8)
        {
            await SkipAsync(header.ContentLength, cancellation).ConfigureAwait(false);
            throw new FramingException($"the charset '{header.Charset}' is not supported (only utf-8); the message was skipped", canContinue: true);
        }

        var body = new byte[header.ContentLength];
        var filled = Take(body);
        while (filled < body.Length)
        {
            var read = await _input.ReadAsync(body.AsMemory(filled), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                throw Truncated(filled, body.Length);
            }

            filled += read;
        }

        return body;
    }

    private async ValueTask<FrameHeader?> ReadHeaderAsync(CancellationToken cancellation)
    {
        while (true)
        {
            if (FindHeaderEnd() is var (blockEnd, consumed))
            {
                var header = FrameHeader.Parse(_buffer.AsSpan(_start, blockEnd - _start));
                _start = consumed;
                return header;
            }

            if (_end - _start >= MaxHeaderBytes)
            {
                throw new FramingException($"malformed message header: no blank line within {MaxHeaderBytes} bytes", canContinue: false);
            }

            if (!await FillAsync(cancellation).ConfigureAwait(false))
            {
                return _end == _start
                    ? null
                    : throw new FramingException("the input ended inside a message header", canContinue: false);
            }
        }
    }

    /// <summary>Where the header lines end and where the blank line after them ends; lines may end in CRLF or LF.</summary>
    private (int BlockEnd, int Consumed)? FindHeaderEnd()
    {
        for (var i = _start; i < _end; i++)
        {
            if (_buffer[i] != (byte)'\n')
            {
                continue;
            }

            if (i + 1 < _end && _buffer[i + 1] == (byte)'\n')
            {
                return (i, i + 2);
            }

            if (i + 2 < _end && _buffer[i + 1] == (byte)'\r' && _buffer[i + 2] == (byte)'\n')
            {
                return (i, i + 3);
            }
        }

        return null;
    }

    /// <summary>Reads more input after the unread bytes; false at the end of the input.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellation)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await _input.ReadAsync(_buffer.AsMemory(_end), cancellation).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    /// <summary>Moves buffered bytes into <paramref name="target"/>; returns how many.</summary>
    private int Take(Span<byte> target)
    {
        var count = Math.Min(target.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(target);
        _start += count;
        return count;
    }

    private async ValueTask SkipAsync(long length, CancellationToken cancellation)
    {
        var buffered = (int)Math.Min(length, _end - _start);
        _start += buffered;
        long skipped = buffered;
        if (skipped < length)
        {
            // Everything buffered belonged to this body: the buffer is free for the rest of it.
            _start = _end = 0;
        }

        while (skipped < length)
        {
            var read = await _input.ReadAsync(_buffer.AsMemory(0, (int)Math.Min(_buffer.Length, length - skipped)), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                throw Truncated(skipped, length);
            }

            skipped += read;
        }
    }

    private static FramingException Truncated(long got, long announced) =>
        new($"the input ended after {got} of the {announced} bytes that Content-Length announced", canContinue: false);
}
