namespace Dstack.LanguageServer.Protocol;

/// <summary>One LSP completion item, with the members this server fills.</summary>
/// <param name="Label">What the list shows (and, without <paramref name="FilterText"/>, what the client filters on).</param>
/// <param name="Kind">One of <see cref="CompletionItemKind"/>.</param>
/// <param name="Detail">One line beside the label: the type and the default of a key, the memory sizes of a GPU.</param>
/// <param name="Documentation">Markdown shown beside the list.</param>
/// <param name="SortText">The order in the list, compared as text.</param>
/// <param name="FilterText">What the client matches the typed text against, when it differs from the label.</param>
/// <param name="InsertTextFormat">One of <see cref="InsertTextFormat"/>.</param>
/// <param name="InsertTextMode">One of <see cref="InsertTextMode"/>.</param>
/// <param name="TextEdit">The edit that inserts the item: it replaces what is typed of the key or value.</param>
/// <param name="Tags">Such as <see cref="CompletionItemTag.Deprecated"/>.</param>
public sealed record CompletionItem(
    string Label,
    int Kind,
    string? Detail,
    MarkupContent? Documentation,
    string SortText,
    string? FilterText,
    int InsertTextFormat,
    int? InsertTextMode,
    TextEdit TextEdit,
    IReadOnlyList<int>? Tags = null);
