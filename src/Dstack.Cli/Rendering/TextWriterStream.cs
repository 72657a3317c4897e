using System.Text;

namespace Dstack.Cli.Rendering;

/// <summary>A write-only stream over a TextWriter (in-process callers and tests capture output as text), decoding UTF-8 across writes.</summary>
public sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Standard output as bytes when <paramref name="writer"/> is the console's, else text written to it.</summary>
    public static Stream For(TextWriter writer, bool isError)
    {
        if (ReferenceEquals(writer, Console.Out) && !isError)
        {
            return Console.OpenStandardOutput();
        }

        if (ReferenceEquals(writer, Console.Error) && isError)
        {
            return Console.OpenStandardError();
        }

        return new TextWriterStream(writer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var chars = new char[_decoder.GetCharCount(buffer, flush: false)];
        var count = _decoder.GetChars(buffer, chars, flush: false);
        writer.Write(chars, 0, count);
    }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
