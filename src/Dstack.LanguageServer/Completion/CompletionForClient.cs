using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// Writes a completion list in the fewest bytes that mean the same to the client that asked (the largest list, a
/// task's top-level keys, was 15.5 KB, most of it repeated ranges and documentation nobody had looked at yet):
/// <list type="bullet">
/// <item>a client that reads <c>itemDefaults.editRange</c> gets the range once, and each item only the text it puts
/// there (<c>textEditText</c>, left out where it is the label);</item>
/// <item>otherwise an item whose edit replaces nothing, at a cursor with only white space or the line's start before
/// it, is sent as <c>insertText</c> (or just its label), which every client inserts at the cursor; the others keep
/// their <c>textEdit</c>;</item>
/// <item>a client that declared it resolves <c>documentation</c> gets it from <c>completionItem/resolve</c>
/// (<see cref="CompletionDocumentation"/>), when it shows an item; any other client gets it in the list;</item>
/// <item>plain text, LSP's default insert format, is not written out.</item>
/// </list>
/// </summary>
public static class CompletionForClient
{
    /// <param name="list">The list as built, every item with its text edit.</param>
    /// <param name="client">What the client declared.</param>
    /// <param name="cursor">Where completion was asked for.</param>
    /// <param name="lineBefore">The text of the cursor's line before the cursor.</param>
    /// <param name="documentation">Where documentation left out of the list is kept for <c>completionItem/resolve</c>.</param>
    public static CompletionList Shape(CompletionList list, ClientFeatures client, Position cursor, ReadOnlySpan<char> lineBefore, CompletionDocumentation documentation)
    {
        if (list.Items.Count == 0)
        {
            return list;
        }

        var shared = client.CompletionEditRangeDefault ? SharedRange(list.Items) : null;
        var insertsAtCursor = lineBefore.IsEmpty || char.IsWhiteSpace(lineBefore[^1]);
        var lazy = client.CompletionResolvesDocumentation ? new MarkupContent?[list.Items.Count] : null;
        var number = lazy is null ? 0 : documentation.NextList();
        var items = new CompletionItem[list.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = list.Items[i];
            var plain = item.InsertTextFormat == InsertTextFormat.PlainText;
            var (textEdit, textEditText, insertText) = (item.TextEdit, item.TextEditText, item.InsertText);
            if (textEdit is { } edit)
            {
                if (shared is not null)
                {
                    (textEdit, textEditText) = (null, edit.NewText == item.Label ? null : edit.NewText);
                }
                else if (insertsAtCursor && edit.Range.Start == cursor && edit.Range.End == cursor)
                {
                    (textEdit, insertText) = (null, edit.NewText == item.Label ? null : edit.NewText);
                }
            }

            var lazyDocumentation = lazy is not null && item.Documentation is not null;
            if (!plain && textEdit == item.TextEdit && !lazyDocumentation)
            {
                // Written as built: no copy.
                items[i] = item;
                continue;
            }

            if (lazyDocumentation)
            {
                lazy![i] = item.Documentation;
            }

            // One copy per item, with every change at once.
            items[i] = item with
            {
                InsertTextFormat = plain ? null : item.InsertTextFormat,
                TextEdit = textEdit,
                TextEditText = textEditText,
                InsertText = insertText,
                Documentation = lazyDocumentation ? null : item.Documentation,
                Data = lazyDocumentation ? [number, i] : item.Data,
            };
        }

        if (lazy is not null)
        {
            documentation.Keep(number, lazy);
        }

        return new CompletionList(list.IsIncomplete, items) { ItemDefaults = shared is null ? null : new CompletionItemDefaults(shared) };
    }

    /// <summary>The range every item's edit replaces, when they all replace the same one; else null.</summary>
    private static TextRange? SharedRange(IReadOnlyList<CompletionItem> items)
    {
        var range = items[0].TextEdit?.Range;
        foreach (var item in items)
        {
            if (item.TextEdit is not { } edit || edit.Range != range)
            {
                return null;
            }
        }

        return range;
    }
}
