using System.Globalization;
using System.Text;

namespace Dstack.LanguageServer.Transport;

/// <summary>
/// The header part of one LSP frame: <c>Content-Length</c> (required) and <c>Content-Type</c> (optional, UTF-8 only).
/// Field names are case-insensitive; unknown fields are ignored, as the base protocol allows.
/// </summary>
/// <param name="ContentLength">The body's size in bytes, as announced.</param>
/// <param name="Charset">The charset named in <c>Content-Type</c>, or null when none was given.</param>
public sealed record FrameHeader(long ContentLength, string? Charset)
{
    /// <summary>True when the body is UTF-8: no charset given, or <c>utf-8</c> (or <c>utf8</c>, which the LSP spec asks servers to accept).</summary>
    public bool IsUtf8 => Charset is null || Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses the header block (without the blank line that ends it); throws a fatal <see cref="FramingException"/> when malformed.</summary>
    public static FrameHeader Parse(ReadOnlySpan<byte> block)
    {
        foreach (var b in block)
        {
            if (b > 0x7F || (b < 0x20 && b is not (byte)'\r' and not (byte)'\n' and not (byte)'\t'))
            {
                throw Malformed($"the header holds the byte 0x{b:X2}; headers are ASCII text");
            }
        }

        long? length = null;
        string? charset = null;
        foreach (var rawLine in Encoding.ASCII.GetString(block).Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed($"the header line '{Shorten(line)}' is not 'Name: value'");
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Length == 0 || value.Length > 18 || !value.All(char.IsAsciiDigit))
                {
                    throw Malformed($"Content-Length '{Shorten(value)}' is not a number of bytes");
                }

                var parsed = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                if (length is { } earlier && earlier != parsed)
                {
                    throw Malformed($"Content-Length is given twice, as {earlier} and {parsed}");
                }

                length = parsed;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                charset = CharsetOf(value);
            }
        }

        return length is { } found ? new FrameHeader(found, charset) : throw Malformed("the header has no Content-Length");
    }

    private static string? CharsetOf(string contentType)
    {
        foreach (var parameter in contentType.Split(';').Skip(1))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return parameter[(equals + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";

    private static FramingException Malformed(string reason) => new($"malformed message header: {reason}", canContinue: false);
}
