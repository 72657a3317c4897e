namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>textDocument/documentSymbol</c>.</summary>
public sealed record DocumentSymbolParams(TextDocumentIdentifier TextDocument);
