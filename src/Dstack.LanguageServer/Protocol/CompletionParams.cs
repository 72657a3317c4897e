namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>textDocument/completion</c>.</summary>
/// <param name="TextDocument">The document.</param>
/// <param name="Position">The cursor.</param>
/// <param name="Context">How the request was triggered; absent when the client does not say.</param>
public sealed record CompletionParams(TextDocumentIdentifier TextDocument, Position Position, CompletionContext? Context = null);
