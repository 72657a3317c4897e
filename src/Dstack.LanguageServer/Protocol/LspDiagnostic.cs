namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>Diagnostic</c> (named so as not to clash with the runtime's <c>Diagnostic</c>).</summary>
/// <param name="Range">Where, in 0-based UTF-16 positions.</param>
/// <param name="Severity">One of <see cref="LspDiagnosticSeverity"/>.</param>
/// <param name="Code">The runtime's code, such as <c>DSTK2003</c>.</param>
/// <param name="Source">Always <c>dstack</c>.</param>
/// <param name="Message">The runtime's message, word for word.</param>
public sealed record LspDiagnostic(TextRange Range, int Severity, string Code, string Source, string Message);
