namespace Dstack.LanguageServer.Protocol;

/// <summary>Names a document and the version it has after a change.</summary>
public sealed record VersionedTextDocumentIdentifier(string Uri, int Version);
