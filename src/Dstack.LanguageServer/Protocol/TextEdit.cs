namespace Dstack.LanguageServer.Protocol;

/// <summary>Replace <paramref name="Range"/> with <paramref name="NewText"/> (an empty range inserts).</summary>
public sealed record TextEdit(TextRange Range, string NewText);
