using System.Collections.Concurrent;
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
    private static readonly ConcurrentDictionary<PropertyDescriptor, KeyText> Texts = new();

    public static void Add(CompletionItems items, ModelSlot slot)
    {
        var request = items.Request;
        var context = request.Context;
        var keys = slot.Keys;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            // A read-only key is still written when it selects the shape: a run's `type`, a service model's `format`.
            if (context.SiblingKeys.Contains(key.YamlName) ||
                (!key.IsSettable && key.YamlName != "type" && ModelDescriptor.For(key.Property.DeclaringType!).VariantKey != key.YamlName))
            {
                continue;
            }

            var text = Texts.GetOrAdd(key, static k => KeyText.Of(k));
            var (newText, format) = context.HasColon ? (key.YamlName, InsertTextFormat.PlainText)
                : text.Snippet is { } lines && !context.InFlow ? (Indent(lines, request.IndentBeyondLine), InsertTextFormat.Snippet)
                : ($"{key.YamlName}: ", InsertTextFormat.PlainText);
            items.Add(new CompletionItem(
                key.YamlName,
                CompletionItemKind.Property,
                text.Detail,
                text.Documentation,
                KeyOrder.Of(key, i, slot.ObjectTypes),
                null,
                format,
                format == InsertTextFormat.Snippet ? InsertTextMode.AdjustIndentation : null,
                new TextEdit(request.Replace, newText),
                key.DeprecatedAdvice is null ? null : [CompletionItemTag.Deprecated]));
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

    /// <summary>What a key shows, computed once per property.</summary>
    private sealed record KeyText(string Detail, MarkupContent Documentation, IReadOnlyList<string>? Snippet)
    {
        public static KeyText Of(PropertyDescriptor key)
        {
            var markdown = new StringBuilder(key.Description);
            if (key.DeprecatedAdvice is { } advice)
            {
                markdown.Append("\n\n**Deprecated:** ").Append(advice).Append('.');
            }

            if (key.Example is { } example)
            {
                markdown.Append("\n\n```yaml\n").Append(example).Append("\n```");
            }

            var detail = TypeText.Of(key);
            return new KeyText(key.DeprecatedAdvice is null ? detail : $"deprecated: {detail}", MarkupContent.Markdown(markdown.ToString()), KeySnippets.Of(key));
        }
    }
}
