using System.Text.Json;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Lenses;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/codeLens</c>: <c>▶ Run</c>, <c>✓ Validate</c> and the offers summary on the <c>type:</c> line of an
/// open run configuration; none for other documents. Each lens's command takes the document's uri.
/// </summary>
public sealed class CodeLensHandler(EditorOffers offers) : RequestHandler<CodeLensParams, IReadOnlyList<CodeLens>>(Methods.CodeLens, LspJsonContext.Default.CodeLensParams, LspJsonContext.Default.IReadOnlyListCodeLens)
{
    protected override Task<IReadOnlyList<CodeLens>> HandleAsync(CodeLensParams parameters, ServerContext context, CancellationToken cancellation)
    {
        if (context.Documents.Find(parameters.TextDocument.Uri) is not { } open)
        {
            return Task.FromResult<IReadOnlyList<CodeLens>>([]);
        }

        var document = CheckedDocuments.Of(open);
        var argument = JsonSerializer.SerializeToElement(open.Uri, LspJsonContext.Default.String);
        IReadOnlyList<CodeLens> lenses = [.. RunLenses.For(document, DocumentUri.FilePath(open.Uri), offers).Select(l => new CodeLens(Range(l.Span), new LspCommand(l.Title, l.Command, [argument])))];
        return Task.FromResult(lenses);
    }

    private static TextRange Range(Dstack.Runtime.Diagnostics.SourceSpan span) => SpanRange.Of(span);
}
