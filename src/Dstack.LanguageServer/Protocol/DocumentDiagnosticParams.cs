namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>textDocument/diagnostic</c> (pull diagnostics).</summary>
public sealed record DocumentDiagnosticParams(TextDocumentIdentifier TextDocument, string? Identifier = null, string? PreviousResultId = null);
