namespace Dstack.LanguageServer.Protocol;

public sealed record DidCloseTextDocumentParams(TextDocumentIdentifier TextDocument);
