namespace Dstack.Runtime.Diagnostics;

/// <summary>
/// A range in a source file. Lines and columns are 1-based; the end is exclusive (the column just after the
/// last character). <see cref="Start"/> and <see cref="End"/> are 0-based character offsets into the text.
/// </summary>
public readonly record struct SourceSpan(int StartLine, int StartColumn, int EndLine, int EndColumn, int Start, int End)
{
    /// <summary>The span used when a problem concerns the whole file (an empty file, an unreadable file).</summary>
    public static SourceSpan FileStart { get; } = new(1, 1, 1, 1, 0, 0);

    public int Length => End - Start;

    /// <summary>A sub-span of a single-line span, <paramref name="offset"/> characters in.</summary>
    public SourceSpan Slice(int offset, int length)
    {
        if (StartLine != EndLine || offset < 0 || length < 0 || offset + length > Length)
        {
            return this;
        }

        return new SourceSpan(StartLine, StartColumn + offset, StartLine, StartColumn + offset + length, Start + offset, Start + offset + length);
    }

    public bool Contains(int line, int column) =>
        (line > StartLine || (line == StartLine && column >= StartColumn)) &&
        (line < EndLine || (line == EndLine && column <= EndColumn));

    public override string ToString() => $"({StartLine},{StartColumn})-({EndLine},{EndColumn})";
}
