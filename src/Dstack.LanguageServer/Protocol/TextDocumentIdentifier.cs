namespace Dstack.LanguageServer.Protocol;

/// <summary>Names a document by its uri.</summary>
public sealed record TextDocumentIdentifier(string Uri);
