namespace Dstack.Runtime.Resources;

/// <summary>Thrown by the value grammars for a value that cannot be read; carries where in the text and why.</summary>
public sealed class ValueException : Exception
{
    public ValueException(ValueIssue issue)
        : base(issue.Message) => Issue = issue;

    public ValueException()
        : this(new ValueIssue(Diagnostics.DiagnosticCodes.InternalError, Diagnostics.DiagnosticSeverity.Error, "invalid value"))
    {
    }

    public ValueException(string message)
        : this(new ValueIssue(Diagnostics.DiagnosticCodes.InternalError, Diagnostics.DiagnosticSeverity.Error, message))
    {
    }

    public ValueException(string message, Exception inner)
        : base(message, inner) => Issue = new ValueIssue(Diagnostics.DiagnosticCodes.InternalError, Diagnostics.DiagnosticSeverity.Error, message);

    public ValueIssue Issue { get; }

    public static ValueException Error(string code, string message, int offset = -1, int length = 0, ValueFix? fix = null) =>
        new(new ValueIssue(code, Diagnostics.DiagnosticSeverity.Error, message, offset, length) { Fix = fix });
}
