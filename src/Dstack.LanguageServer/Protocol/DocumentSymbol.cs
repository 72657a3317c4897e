namespace Dstack.LanguageServer.Protocol;

/// <summary>One entry of a document's outline, with its children.</summary>
/// <param name="Name">What the entry is called: a key, or what identifies a list item.</param>
/// <param name="Detail">The scalar value, or a short summary of a mapping or list.</param>
/// <param name="Kind">One of <see cref="SymbolKind"/>.</param>
/// <param name="Range">The whole entry, value included.</param>
/// <param name="SelectionRange">The key (for a list item, the item), inside <paramref name="Range"/>.</param>
/// <param name="Children">The keys or items of the value.</param>
public sealed record DocumentSymbol(string Name, string? Detail, int Kind, TextRange Range, TextRange SelectionRange, IReadOnlyList<DocumentSymbol>? Children);
