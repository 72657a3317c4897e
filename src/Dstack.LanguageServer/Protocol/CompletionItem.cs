namespace Dstack.LanguageServer.Protocol;

/// <summary>One LSP completion item, with the members this server fills.</summary>
/// <param name="Label">What the list shows (and, without <paramref name="FilterText"/>, what the client filters on).</param>
/// <param name="Kind">One of <see cref="CompletionItemKind"/>.</param>
/// <param name="Detail">One line beside the label: the type and the default of a key, the memory sizes of a GPU.</param>
/// <param name="Documentation">Markdown shown beside the list.</param>
/// <param name="SortText">The order in the list, compared as text.</param>
/// <param name="FilterText">What the client matches the typed text against, when it differs from the label.</param>
/// <param name="InsertTextFormat">One of <see cref="InsertTextFormat"/>; left out for plain text, LSP's default.</param>
/// <param name="InsertTextMode">One of <see cref="InsertTextMode"/>.</param>
/// <param name="TextEdit">
/// The edit that inserts the item: it replaces what is typed of the key or value. Null on the wire where the list's
/// <see cref="CompletionList.ItemDefaults"/> or <see cref="InsertText"/> says the same in fewer bytes
/// (<see cref="Completion.CompletionForClient"/>).
/// </param>
/// <param name="Tags">Such as <see cref="CompletionItemTag.Deprecated"/>.</param>
public sealed record CompletionItem(
    string Label,
    int Kind,
    string? Detail,
    MarkupContent? Documentation,
    string SortText,
    string? FilterText,
    int? InsertTextFormat,
    int? InsertTextMode,
    TextEdit? TextEdit,
    IReadOnlyList<int>? Tags = null)
{
    /// <summary>The text inserted at the cursor, for an item whose edit replaces nothing (no <see cref="TextEdit"/> then).</summary>
    public string? InsertText { get; init; }

    /// <summary>The text put over the list's default edit range (<see cref="CompletionList.ItemDefaults"/>), when it is not the label.</summary>
    public string? TextEditText { get; init; }

    /// <summary>What <c>completionItem/resolve</c> needs to find the item's documentation: the list's number and the item's index in it.</summary>
    public IReadOnlyList<long>? Data { get; init; }
}
