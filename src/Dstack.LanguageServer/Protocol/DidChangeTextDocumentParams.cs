namespace Dstack.LanguageServer.Protocol;

/// <summary>The changes to apply in order, each to the text the previous one produced.</summary>
public sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, IReadOnlyList<TextDocumentContentChangeEvent> ContentChanges);
