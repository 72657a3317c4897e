using System.Text;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration.Binding;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// The keys that may be written at the cursor: the model's keys of the mapping there, minus those already present,
/// ordered by <see cref="KeyOrder"/>. A scalar key inserts <c>key: </c>; a block key inserts a snippet
/// (<see cref="KeySnippets"/>), except inside <c>{...}</c>; a key whose line already has its colon inserts the name alone.
/// </summary>
public static class KeyCompletion
{
    public static void Add(CompletionItems items, ModelSlot slot)
    {
        var request = items.Request;
        var context = request.Context;
        var entries = KeyCatalog.Of(slot.ObjectTypes).Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var name = entry.Key.YamlName;
            if (context.SiblingKeys.Contains(name))
            {
                continue;
            }

            // Plain text, LSP's default format, is left out (null).
            var (newText, format) = context.HasColon ? (name, (int?)null)
                : entry.Snippet is not null && !context.InFlow ? (entry.SnippetAt(request.IndentBeyondLine), InsertTextFormat.Snippet)
                : (entry.KeyAndColon, null);
            items.Add(new CompletionItem(
                name,
                CompletionItemKind.Property,
                entry.Detail,
                entry.Documentation,
                entry.SortText,
                null,
                format,
                format == InsertTextFormat.Snippet ? InsertTextMode.AdjustIndentation : null,
                new TextEdit(request.Replace, newText),
                entry.Tags));
        }
    }

    /// <summary>
    /// Joins snippet lines with their indentation relative to the line the key is on: the client adds that line's own
    /// indentation to every new line (<see cref="InsertTextMode.AdjustIndentation"/>), and a key after <c>- </c> sits
    /// <paramref name="beyondLine"/> columns deeper than it.
    /// </summary>
    public static string Indent(IReadOnlyList<string> lines, int beyondLine)
    {
        var text = new StringBuilder(lines[0]);
        var pad = new string(' ', beyondLine);
        for (var i = 1; i < lines.Count; i++)
        {
            text.Append('\n').Append(pad).Append(lines[i]);
        }

        return text.ToString();
    }
}
