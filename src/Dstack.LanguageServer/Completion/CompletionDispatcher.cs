using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// <c>textDocument/completion</c> for a dstack document: reads the cursor (<see cref="DocumentCursor"/>), then offers
/// keys (<see cref="KeyCompletion"/>) or values (<see cref="ValueCompletion"/>). A trigger character only opens the
/// list where it starts something to complete, so typing spaces to indent, or a space inside a command, shows nothing.
/// </summary>
public static class CompletionDispatcher
{
    /// <summary>
    /// <c>:</c> inside a GPU spec or a port, <c>space</c> after <c>key:</c> or <c>- </c>, <c>,</c> and <c>[</c> in a flow
    /// list. Not <c>-</c>: it is typed inside values (<c>on-demand</c>, run names) far more than it starts an item.
    /// </summary>
    public static IReadOnlyList<string> TriggerCharacters { get; } = [":", " ", ",", "["];

    /// <param name="document">The document completed.</param>
    /// <param name="position">The cursor.</param>
    /// <param name="trigger">How completion was asked for.</param>
    /// <param name="store">The open documents: a workflows file's <c>deps</c> offer the workflows of its folder, open buffers first; null offers none.</param>
    public static CompletionList Complete(DocumentSnapshot document, Position position, CompletionContext? trigger, DocumentStore? store = null)
    {
        var cursor = DocumentCursor.At(document, position);
        var context = cursor.Context;
        var lines = DocumentLines.Of(document);
        var request = new CompletionRequest(cursor, lines[Math.Clamp(context.Line, 0, lines.Length - 1)], document.Path)
        {
            Workflows = store is null ? null : Workflows.RepositoryWorkflows.Of(document, store),
            Lines = lines,
        };
        if (!Answers(request, trigger))
        {
            return CompletionList.Empty;
        }

        var items = new CompletionItems(request);
        if (context.Place == CursorPlace.Value || ValueCompletion.IsItemValue(context, cursor.Slot))
        {
            ValueCompletion.Add(items);
        }
        else if (cursor.Slot is { IsObject: true } slot)
        {
            KeyCompletion.Add(items, slot);
        }

        return items.ToList();
    }

    /// <summary>Whether a request answers at all: always when invoked, and for a trigger character only where it starts a key or value.</summary>
    private static bool Answers(CompletionRequest request, CompletionContext? trigger)
    {
        if (trigger is not { TriggerKind: CompletionTriggerKind.TriggerCharacter, TriggerCharacter: { } typed })
        {
            return true;
        }

        var context = request.Context;
        return typed switch
        {
            // A space right after `key: ` or `- ` (or `, ` in a flow list); not indentation, not a space inside a value.
            " " => context.Prefix.Length == 0 && (context.Place == CursorPlace.Value || context.AfterDash || context.InFlow),
            // Inside a value (`gpu: A100:`), not the colon that ends a key: the space after it comes next.
            ":" => context.Place == CursorPlace.Value && context.Prefix.Length > 0,
            _ => true,
        };
    }
}
