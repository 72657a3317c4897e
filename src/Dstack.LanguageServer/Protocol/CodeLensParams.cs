namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>textDocument/codeLens</c>.</summary>
public sealed record CodeLensParams(TextDocumentIdentifier TextDocument);
