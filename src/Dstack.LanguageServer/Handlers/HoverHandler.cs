using Dstack.LanguageServer.Hover;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>textDocument/hover</c>: the documentation of the key or value under the cursor; null elsewhere and outside dstack files.</summary>
public sealed class HoverHandler() : RequestHandler<TextDocumentPositionParams, LspHover?>(Methods.Hover, () => LspJsonContext.Default.TextDocumentPositionParams, () => LspJsonContext.Default.LspHover)
{
    /// <inheritdoc/>
    /// <remarks>A hover is read from the snapshot in memory in tens of microseconds.</remarks>
    public override bool RunsOnReadLoop => true;

    protected override Task<LspHover?> HandleAsync(TextDocumentPositionParams parameters, ServerContext context, CancellationToken cancellation)
    {
        var document = context.Documents.Find(parameters.TextDocument.Uri);
        return Task.FromResult(document is null ? null : DocumentHover.At(document, parameters.Position));
    }
}
