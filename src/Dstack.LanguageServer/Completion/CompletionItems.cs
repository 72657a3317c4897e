using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Completion;

/// <summary>Builds the items of a list: each one a text edit over the request's replace range, in the order they are added.</summary>
public sealed class CompletionItems(CompletionRequest request)
{
    private readonly List<CompletionItem> _items = new(16);
    private readonly HashSet<string> _labels = new(16, StringComparer.Ordinal);

    public CompletionRequest Request { get; } = request;

    public int Count => _items.Count;

    /// <summary>
    /// A value inserted as plain text over the whole value at the cursor (or <paramref name="range"/>). With
    /// <paramref name="quoted"/>, it is written in double quotes, and matched with or without them as the user started.
    /// Values already listed beside the cursor's list item are left out.
    /// </summary>
    public CompletionItems Value(string value, int kind, string? detail = null, string? documentation = null, bool quoted = false, TextRange? range = null, string? lead = null)
    {
        if (Request.Context.SiblingItems.Contains(value))
        {
            return this;
        }

        var text = quoted ? $"\"{value}\"" : value;
        var filter = quoted && !Request.TypedQuote ? value : null;
        return Add(new CompletionItem(
            text,
            kind,
            detail,
            documentation is null ? null : MarkupContent.Markdown(documentation),
            SortText(_items.Count),
            filter,
            null, // plain text, LSP's default

            null,
            new TextEdit(range ?? Request.Replace, (lead ?? Request.Lead) + text)));
    }

    /// <summary>A value form with placeholders, such as <c>${1:NAME}=${2:value}</c>, shown as <paramref name="label"/>.</summary>
    public CompletionItems Snippet(string label, string snippet, string? detail = null, string? documentation = null, string? filterText = null) =>
        Add(new CompletionItem(
            label,
            CompletionItemKind.Snippet,
            detail,
            documentation is null ? null : MarkupContent.Markdown(documentation),
            SortText(_items.Count),
            filterText,
            InsertTextFormat.Snippet,
            null,
            new TextEdit(Request.Replace, Request.Lead + snippet)));

    /// <summary>An item built elsewhere (keys), kept in the order added unless it has its own sort text.</summary>
    public CompletionItems Add(CompletionItem item)
    {
        if (_labels.Add(item.Label))
        {
            _items.Add(item);
        }

        return this;
    }

    public CompletionList ToList() => _items.Count == 0 ? CompletionList.Empty : new CompletionList(false, _items);

    /// <summary>The sort texts <c>000</c> to <c>999</c>, made when first used.</summary>
    private static readonly string?[] SortTexts = new string?[1000];

    private static string SortText(int index) =>
        index < SortTexts.Length
            ? SortTexts[index] ??= index.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)
            : index.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
}
