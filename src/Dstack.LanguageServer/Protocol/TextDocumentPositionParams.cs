namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of requests about one position of a document, such as <c>textDocument/hover</c>.</summary>
public sealed record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);
