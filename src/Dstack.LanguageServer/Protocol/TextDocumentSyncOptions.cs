namespace Dstack.LanguageServer.Protocol;

/// <param name="OpenClose">Whether the client sends didOpen and didClose.</param>
/// <param name="Change">One of <see cref="TextDocumentSyncKind"/>.</param>
public sealed record TextDocumentSyncOptions(bool OpenClose, int Change);
