namespace Dstack.LanguageServer.Protocol;

/// <summary>The answer to <c>textDocument/diagnostic</c>: every diagnostic of the document (<c>kind: "full"</c>).</summary>
public sealed record FullDocumentDiagnosticReport(IReadOnlyList<LspDiagnostic> Items)
{
    public string Kind { get; init; } = "full";
}
