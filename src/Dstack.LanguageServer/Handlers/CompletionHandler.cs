using Dstack.LanguageServer.Completion;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/completion</c>: keys and values for an open dstack document, written for what the client declared
/// (<see cref="CompletionForClient"/>); an empty list for any other uri.
/// </summary>
public sealed class CompletionHandler() : RequestHandler<CompletionParams, CompletionList>(Methods.Completion, () => LspJsonContext.Default.CompletionParams, () => LspJsonContext.Default.CompletionList)
{
    public static CompletionOptions Options { get; } = new(CompletionDispatcher.TriggerCharacters, ResolveProvider: true);

    /// <inheritdoc/>
    /// <remarks>A completion list is built from the snapshot in memory in tens to hundreds of microseconds (a workflows file's <c>deps</c> also read the few other workflow files of its folder).</remarks>
    public override bool RunsOnReadLoop => true;

    protected override Task<CompletionList> HandleAsync(CompletionParams parameters, ServerContext context, CancellationToken cancellation)
    {
        var document = context.Documents.Find(parameters.TextDocument.Uri);
        if (document is null)
        {
            return Task.FromResult(CompletionList.Empty);
        }

        var list = CompletionDispatcher.Complete(document, parameters.Position, parameters.Context, context.Documents);
        var lines = Editing.DocumentLines.Of(document);
        var line = parameters.Position.Line >= 0 && parameters.Position.Line < lines.Length ? lines[parameters.Position.Line] : string.Empty;
        var before = line.AsSpan(0, Math.Clamp(parameters.Position.Character, 0, line.Length));
        return Task.FromResult(CompletionForClient.Shape(list, context.ClientFeatures, parameters.Position, before, context.CompletionDocumentation));
    }
}
