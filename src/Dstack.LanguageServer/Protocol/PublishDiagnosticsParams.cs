namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>textDocument/publishDiagnostics</c>: every diagnostic of one document (an empty list clears them).</summary>
/// <param name="Version">The document version the diagnostics were computed for; null when clearing a closed document.</param>
public sealed record PublishDiagnosticsParams(string Uri, int? Version, IReadOnlyList<LspDiagnostic> Diagnostics);
