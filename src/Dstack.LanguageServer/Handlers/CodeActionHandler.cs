using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.QuickFixes;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/codeAction</c>: quick fixes for the diagnostics of the current text at the range. The client's own
/// copy of the diagnostics is not used: they are recomputed, so each fix matches the text it edits.
/// </summary>
public sealed class CodeActionHandler() : RequestHandler<CodeActionParams, IReadOnlyList<CodeAction>>(Methods.CodeAction, () => LspJsonContext.Default.CodeActionParams, () => LspJsonContext.Default.IReadOnlyListCodeAction)
{
    public const string QuickFixKind = "quickfix";

    protected override Task<IReadOnlyList<CodeAction>> HandleAsync(CodeActionParams parameters, ServerContext context, CancellationToken cancellation)
    {
        if (context.Documents.Find(parameters.TextDocument.Uri) is not { } open || !Wants(parameters.Context.Only))
        {
            return Task.FromResult<IReadOnlyList<CodeAction>>([]);
        }

        var lines = new LineMap(open.Text);
        var (start, end) = (lines.OffsetOf(parameters.Range.Start), lines.OffsetOf(parameters.Range.End));
        // With the problems other workflows files make of this one: an unknown dep's did-you-mean is a fix too.
        var document = CheckedDocuments.Of(open) with { Diagnostics = DocumentDiagnostics.All(open, context.Documents) };
        IReadOnlyList<CodeAction> actions = [.. DiagnosticFixes.For(document, Math.Min(start, end), Math.Max(start, end)).Select(fix => new CodeAction(
            fix.Title,
            QuickFixKind,
            [DocumentDiagnostics.ToLsp(fix.Diagnostic)],
            fix.IsPreferred,
            new WorkspaceEdit(new Dictionary<string, IReadOnlyList<TextEdit>>(StringComparer.Ordinal)
            {
                [open.Uri] = [new TextEdit(new TextRange(lines.PositionOf(fix.Edit.Start), lines.PositionOf(fix.Edit.End)), fix.Edit.Text)],
            })))];
        return Task.FromResult(actions);
    }

    /// <summary>True when the client asks for any kind, or for one that quick fixes belong to (kinds are dotted hierarchies).</summary>
    private static bool Wants(IReadOnlyList<string>? only) =>
        only is null || only.Any(kind => kind == QuickFixKind || QuickFixKind.StartsWith(kind + ".", StringComparison.Ordinal));
}
