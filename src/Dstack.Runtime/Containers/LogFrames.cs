using System.Buffers.Binary;
using System.Globalization;

namespace Dstack.Runtime.Containers;

/// <summary>
/// Reads the engine's multiplexed output of a container without a terminal: frames of an 8-byte header (byte 0: 1 for
/// stdout, 2 for stderr; bytes 4-7: the payload's length, big-endian) and the payload, one log message per frame. With
/// <c>timestamps=1</c> every message starts with its time (RFC 3339, 9 decimals) and a space.
/// </summary>
public static class LogFrames
{
    /// <summary>One message: 1 stdout, 2 stderr; its time as the engine wrote it; its bytes without the time.</summary>
    public readonly record struct Frame(int Stream, string Timestamp, ReadOnlyMemory<byte> Payload);

    /// <summary>Reads the next frame; null at the end of the stream.</summary>
    public static async Task<Frame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        if (!await FillAsync(stream, header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
        if (length > 64 * 1024 * 1024)
        {
            throw new InvalidDataException($"a log frame of {length} bytes: not the engine's multiplexed output");
        }

        var payload = new byte[length];
        if (!await FillAsync(stream, payload, cancellationToken).ConfigureAwait(false))
        {
            throw new EndOfStreamException("the engine's output ended inside a log frame");
        }

        var space = Array.IndexOf(payload, (byte)' ');
        if (space is >= 20 and <= 40 && payload[space - 1] == (byte)'Z' && payload[4] == (byte)'-')
        {
            return new Frame(header[0], System.Text.Encoding.ASCII.GetString(payload, 0, space), payload.AsMemory(space + 1));
        }

        return new Frame(header[0], string.Empty, payload);
    }

    /// <summary>
    /// The engine's <c>since</c> for <paramref name="timestamp"/>: Unix seconds with nanoseconds (<c>1764874200.123456789</c>).
    /// The engine returns messages at that very time too, so a resumed reader skips those it already had.
    /// </summary>
    public static string? Since(string timestamp)
    {
        var dot = timestamp.IndexOf('.', StringComparison.Ordinal);
        var seconds = dot < 0 ? timestamp.TrimEnd('Z') + "Z" : timestamp[..dot] + "Z";
        if (!DateTimeOffset.TryParse(seconds, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }

        var nanos = dot < 0 ? "000000000" : timestamp[(dot + 1)..].TrimEnd('Z').PadRight(9, '0')[..9];
        return string.Create(CultureInfo.InvariantCulture, $"{at.ToUnixTimeSeconds()}.{nanos}");
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (filled == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("the engine's output ended inside a log frame");
            }

            filled += read;
        }

        return true;
    }
}
