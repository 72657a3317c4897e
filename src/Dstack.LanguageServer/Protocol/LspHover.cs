namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>Hover</c> (named so as not to clash with the <c>Hover</c> namespace): markdown, and the range it is about.</summary>
public sealed record LspHover(MarkupContent Contents, TextRange? Range);
