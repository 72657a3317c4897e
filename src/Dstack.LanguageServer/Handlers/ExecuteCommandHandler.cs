using System.Text.Json;
using Dstack.LanguageServer.Commands;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>workspace/executeCommand</c>: the <see cref="DstackCommands"/>; an unknown command or a bad argument is invalid params.</summary>
public sealed class ExecuteCommandHandler(EditorOffers offers) : RequestHandler<ExecuteCommandParams, JsonElement>(Methods.ExecuteCommand, () => LspJsonContext.Default.ExecuteCommandParams, () => LspJsonContext.Default.JsonElement)
{
    private readonly DstackCommandRunner _runner = new(offers);

    protected override Task<JsonElement> HandleAsync(ExecuteCommandParams parameters, ServerContext context, CancellationToken cancellation) =>
        _runner.RunAsync(parameters, context);
}
