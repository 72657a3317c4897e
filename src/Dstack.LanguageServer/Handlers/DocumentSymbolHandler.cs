using Dstack.LanguageServer.Outline;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>textDocument/documentSymbol</c>: the outline of an open dstack document; an empty list for anything else.</summary>
public sealed class DocumentSymbolHandler() : RequestHandler<DocumentSymbolParams, IReadOnlyList<DocumentSymbol>>(Methods.DocumentSymbol, () => LspJsonContext.Default.DocumentSymbolParams, () => LspJsonContext.Default.IReadOnlyListDocumentSymbol)
{
    protected override Task<IReadOnlyList<DocumentSymbol>> HandleAsync(DocumentSymbolParams parameters, ServerContext context, CancellationToken cancellation)
    {
        var document = context.Documents.Find(parameters.TextDocument.Uri);
        return Task.FromResult(document is null ? [] : DocumentOutline.Of(document));
    }
}
