namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>textDocument/formatting</c>.</summary>
public sealed record DocumentFormattingParams(TextDocumentIdentifier TextDocument, FormattingOptions Options);
