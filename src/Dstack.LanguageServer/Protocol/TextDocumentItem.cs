namespace Dstack.LanguageServer.Protocol;

/// <summary>A document as the client opens it: uri, language, version and full text.</summary>
public sealed record TextDocumentItem(string Uri, string LanguageId, int Version, string Text);
