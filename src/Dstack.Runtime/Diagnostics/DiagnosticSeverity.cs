namespace Dstack.Runtime.Diagnostics;

/// <summary>How serious a <see cref="Diagnostic"/> is. Errors make a configuration invalid.</summary>
public enum DiagnosticSeverity
{
    Error,
    Warning,
    Info,
}
