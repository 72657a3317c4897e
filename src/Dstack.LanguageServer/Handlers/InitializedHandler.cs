using System.Text.Json;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>initialized</c>: the client has the server's capabilities. Nothing to do yet (no dynamic registrations).</summary>
public sealed class InitializedHandler : INotificationHandler
{
    public string Method => Methods.Initialized;

    public Task HandleAsync(JsonElement? parameters, ServerContext context) => Task.CompletedTask;
}
