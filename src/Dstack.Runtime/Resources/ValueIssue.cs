using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Resources;

/// <summary>
/// A problem inside one value's text, placed by character offset so the caller can point at the exact part
/// (in <c>A100:80XB</c>, the <c>80XB</c>). Offset -1 means the whole value.
/// </summary>
public sealed record ValueIssue(string Code, DiagnosticSeverity Severity, string Message, int Offset = -1, int Length = 0)
{
    public ValueIssue Shift(int by) => Offset < 0 ? this : this with { Offset = Offset + by };
}
