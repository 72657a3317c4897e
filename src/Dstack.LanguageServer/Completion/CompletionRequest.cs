using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration.Binding;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// One completion request as the completion contexts see it: where the cursor is and what the model expects there,
/// the cursor's line, and the range an item replaces.
/// </summary>
/// <param name="Cursor">The cursor and its model slot.</param>
/// <param name="LineText">The text of the cursor's line.</param>
/// <param name="DocumentPath">The document's file path (profiles are looked up from it).</param>
public sealed record CompletionRequest(DocumentCursor Cursor, string LineText, string DocumentPath)
{
    /// <summary>For a workflows file: every workflow of its repository, as the editor shows them (read only when asked for); else null.</summary>
    public Workflows.RepositoryWorkflows? Workflows { get; init; }

    /// <summary>The document's lines (the cursor's line is <see cref="CursorContext.Line"/>).</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    public CursorContext Context => Cursor.Context;

    public ModelSlot? Slot => Cursor.Slot;

    /// <summary>The property whose value (or list item) is at the cursor, or whose keys are offered.</summary>
    public PropertyDescriptor? Property => Cursor.Slot?.Property;

    public string Prefix => Context.Prefix;

    /// <summary>The typed value starts with a quote: items are matched and inserted quoted.</summary>
    public bool TypedQuote => Prefix.Length > 0 && Prefix[0] is '"' or '\'';

    /// <summary>
    /// What an item replaces: the whole key or value at the cursor. One range, shared by the items; made again only
    /// when it no longer is the cursor's (a copy of the request <c>with</c> another cursor).
    /// </summary>
    public TextRange Replace
    {
        get
        {
            var (line, start, end) = (Context.Line, Context.ReplaceStart, Math.Max(Context.ReplaceStart, Context.ReplaceEnd));
            return field is { Start.Line: var l, Start.Character: var s, End.Character: var e } && l == line && s == start && e == end
                ? field
                : field = RangeOf(start, end);
        }
    }

    /// <summary>
    /// What goes before an inserted value: a space when the value would otherwise touch the <c>:</c> of its key or
    /// the <c>-</c> of its item (<c>spot_policy:‸</c> asked for explicitly), else nothing.
    /// </summary>
    public string Lead =>
        !Context.InFlow && Context.ReplaceStart > 0 && Context.ReplaceStart <= LineText.Length && LineText[Context.ReplaceStart - 1] is ':' or '-'
            ? " "
            : string.Empty;

    /// <summary>The columns by which a block written at the cursor's key nests deeper than the line's own indentation (after <c>- </c>, the dash's width).</summary>
    public int IndentBeyondLine
    {
        get
        {
            var indent = 0;
            while (indent < LineText.Length && LineText[indent] == ' ')
            {
                indent++;
            }

            return Math.Max(0, Context.Column - indent);
        }
    }

    public TextRange RangeOf(int start, int end) => new(new Position(Context.Line, start), new Position(Context.Line, Math.Max(start, end)));
}
