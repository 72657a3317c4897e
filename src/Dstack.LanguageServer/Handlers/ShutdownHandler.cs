using System.Text.Json;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>shutdown</c>: answers null. The session has already stopped taking requests other than <c>exit</c>.</summary>
public sealed class ShutdownHandler : IRequestHandler
{
    private static readonly JsonElement Null = JsonSerializer.SerializeToElement(default(JsonElement?), LspJsonContext.Default.NullableJsonElement);

    public string Method => Methods.Shutdown;

    public Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation) => Task.FromResult(Null);
}
