using System.Globalization;

namespace Dstack.Runtime.Diagnostics;

/// <summary>
/// One problem found in a file: the single diagnostic type that the CLI, MSBuild and the language server render.
/// </summary>
/// <param name="Code">A code from <see cref="DiagnosticCodes"/>, such as <c>DSTK2003</c>.</param>
/// <param name="Severity">Error, warning or info.</param>
/// <param name="Message">What is wrong, the value, the rule and the fix, in the user's words.</param>
/// <param name="Span">Where it is; inside a string value it points at the offending part.</param>
/// <param name="Path">The file, as the user named it; null when no file is involved.</param>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceSpan Span, string? Path)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>The replacement that fixes this problem, when there is exactly one obvious fix; otherwise null.</summary>
    public Suggestion? Suggestion { get; init; }

    /// <summary>The canonical text form: <c>path(line,col): error DSTK2003: message</c>.</summary>
    public override string ToString()
    {
        var severity = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        var location = Path is null ? "dstack" : string.Create(CultureInfo.InvariantCulture, $"{Path}({Span.StartLine},{Span.StartColumn})");
        return $"{location}: {severity} {Code}: {Message}";
    }
}
