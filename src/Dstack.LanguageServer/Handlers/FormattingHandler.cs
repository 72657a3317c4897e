using Dstack.LanguageServer.Formatting;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>textDocument/formatting</c>: per-line edits that re-indent a dstack document; none (and a log line) when it is left alone.</summary>
public sealed class FormattingHandler() : RequestHandler<DocumentFormattingParams, IReadOnlyList<TextEdit>>(Methods.Formatting, () => LspJsonContext.Default.DocumentFormattingParams, () => LspJsonContext.Default.IReadOnlyListTextEdit)
{
    protected override Task<IReadOnlyList<TextEdit>> HandleAsync(DocumentFormattingParams parameters, ServerContext context, CancellationToken cancellation)
    {
        if (context.Documents.Find(parameters.TextDocument.Uri) is not { } document)
        {
            return Task.FromResult<IReadOnlyList<TextEdit>>([]);
        }

        var result = DocumentFormatter.Format(document, parameters.Options);
        if (result.Refusal is { } reason)
        {
            context.Log.Info($"not formatting {document.Uri}: {reason}");
        }

        return Task.FromResult(result.Edits);
    }
}
