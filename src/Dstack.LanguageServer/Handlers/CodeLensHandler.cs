using System.Text.Json;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Lenses;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Runs;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/codeLens</c>: <c>▶ Run</c>, <c>✓ Validate</c> and the offers summary on the <c>type:</c> line of an
/// open run configuration, <c>▶ Run NAME</c> (and <c>▶ Run with deps</c>) on each workflow of a workflows file; none
/// for profiles; a running service's URL, a ready dev environment's IDE link and SSH host after them. Each lens's
/// command takes the document's uri, and a workflow's lens the workflow's name, an endpoint's lens its address after it.
/// </summary>
public sealed class CodeLensHandler(EditorOffers offers, RunEndpointsReader endpoints) : RequestHandler<CodeLensParams, IReadOnlyList<CodeLens>>(Methods.CodeLens, () => LspJsonContext.Default.CodeLensParams, () => LspJsonContext.Default.IReadOnlyListCodeLens)
{
    protected override Task<IReadOnlyList<CodeLens>> HandleAsync(CodeLensParams parameters, ServerContext context, CancellationToken cancellation)
    {
        if (context.Documents.Find(parameters.TextDocument.Uri) is not { } open)
        {
            return Task.FromResult<IReadOnlyList<CodeLens>>([]);
        }

        var document = CheckedDocuments.Of(open);
        var argument = JsonSerializer.SerializeToElement(open.Uri, LspJsonContext.Default.String);
        // Workflows run by name from their repository: only those of a .dstack/workflows folder can.
        var found = document.Kind == Dstack.Runtime.Configuration.ConfigurationKind.Workflows
            ? (Dstack.Runtime.Pipelines.WorkflowsFolder.RepoRootOf(open.Path) is null ? [] : WorkflowLenses.For(document))
            : RunLenses.For(document, DocumentUri.FilePath(open.Uri), offers, Live(document, DocumentUri.FilePath(open.Uri)));
        IReadOnlyList<CodeLens> lenses = [.. found.Select(l => new CodeLens(Range(l.Span), new LspCommand(l.Title, l.Command, Arguments(argument, l))))];
        return Task.FromResult(lenses);
    }

    private static IReadOnlyList<JsonElement> Arguments(JsonElement uri, RunLens lens) =>
        lens.Options is { } options ? [uri, JsonSerializer.SerializeToElement(options, LspJsonContext.Default.RunCommandLineOptions)]
        : lens.Target is { } target ? [uri, JsonSerializer.SerializeToElement(target, LspJsonContext.Default.String)]
        : [uri];

    /// <summary>Where the file's active run is reached; read only for a run configuration on disk.</summary>
    private LiveEndpoints? Live(Dstack.Runtime.Configuration.ConfigurationDocument document, string? path) =>
        path is not null && RunLenses.TypeLine(document) is not null ? endpoints.For(path) : null;

    private static TextRange Range(Dstack.Runtime.Diagnostics.SourceSpan span) => SpanRange.Of(span);
}
