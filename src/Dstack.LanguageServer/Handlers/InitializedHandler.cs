using System.Text.Json;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>initialized</c>: the client has the server's capabilities, so the start-up warm-up begins now, after the answer
/// to <c>initialize</c> (started earlier, it would compete with that answer for the JIT and the two cores). There are
/// no dynamic registrations.
/// </summary>
public sealed class InitializedHandler : INotificationHandler
{
    public string Method => Methods.Initialized;

    public Task HandleAsync(JsonElement? parameters, ServerContext context)
    {
        _ = WarmUp.StartAsync();
        return Task.CompletedTask;
    }
}
