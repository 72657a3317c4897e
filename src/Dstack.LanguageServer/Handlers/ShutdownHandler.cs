using System.Text.Json;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>shutdown</c>: stops the session's watchers (the run progress), then answers null. The session has already
/// stopped taking requests other than <c>exit</c>.
/// </summary>
public sealed class ShutdownHandler : IRequestHandler
{
    private static readonly JsonElement Null = JsonSerializer.SerializeToElement(default(JsonElement?), LspJsonContext.Default.NullableJsonElement);

    public string Method => Methods.Shutdown;

    public async Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation)
    {
        await context.StopServicesAsync().ConfigureAwait(false);
        return Null;
    }
}
