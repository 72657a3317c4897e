namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>textDocument/codeAction</c>: the document, the selection or cursor, and the context.</summary>
public sealed record CodeActionParams(TextDocumentIdentifier TextDocument, TextRange Range, CodeActionContext Context);
