namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>TextEdit</c>: replace <paramref name="Range"/> with <paramref name="NewText"/>.</summary>
public sealed record TextEdit(TextRange Range, string NewText);
