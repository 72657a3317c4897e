using System.Text;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Yaml;

/// <summary>Turns a file's bytes into text: UTF-8 (with or without BOM) or UTF-16 with a BOM, as PyYAML accepts.</summary>
public static class SourceDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text, or null after reporting where the first byte that is not UTF-8 is.</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes, DiagnosticBag diagnostics)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            var bad = FirstInvalidByte(bytes);
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < bad; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            var column = Encoding.UTF8.GetCharCount(bytes[lineStart..bad]) + 1;
            diagnostics.Error(
                DiagnosticCodes.InvalidEncoding,
                new SourceSpan(line, column, line, column + 1, bad, bad + 1),
                $"the byte 0x{bytes[bad]:X2} is not valid UTF-8; save the file as UTF-8");
            return null;
        }
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[i..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return i;
            }

            i += consumed;
        }

        return 0;
    }
}
