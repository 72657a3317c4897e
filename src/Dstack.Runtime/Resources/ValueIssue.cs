using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Resources;

/// <summary>
/// A problem inside one value's text, placed by character offset so the caller can point at the exact part
/// (in <c>A100:80XB</c>, the <c>80XB</c>). Offset -1 means the whole value.
/// </summary>
public sealed record ValueIssue(string Code, DiagnosticSeverity Severity, string Message, int Offset = -1, int Length = 0)
{
    /// <summary>The one obvious fix, when there is one.</summary>
    public ValueFix? Fix { get; init; }

    /// <summary>The issue moved <paramref name="by"/> characters, as when a token's issue is placed in the whole value.</summary>
    public ValueIssue Shift(int by) => Offset < 0 ? Unplaced() with { Fix = Unplaced().Fix?.Shift(by) } : this with { Offset = Offset + by, Fix = Fix?.Shift(by) };

    /// <summary>
    /// The issue placed over <paramref name="offset"/> and <paramref name="length"/> when it had no place of its own; a
    /// fix over "the issue's part" then covers that same part.
    /// </summary>
    public ValueIssue At(int offset, int length) => Offset < 0 ? this with { Offset = offset, Length = length } : this;

    /// <summary>
    /// The issue with its place forgotten (the part could not be located in the text): a fix that covered only a part
    /// would then wrongly replace the whole value, so it goes too, unless it already has its own place.
    /// </summary>
    public ValueIssue Unplaced() => Fix is { Offset: < 0 } ? this with { Fix = null } : this;
}
