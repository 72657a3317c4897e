using System.Text.Json;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>exit</c>: ends the session; the exit code says whether <c>shutdown</c> came first.</summary>
public sealed class ExitHandler : INotificationHandler
{
    public string Method => Methods.Exit;

    public Task HandleAsync(JsonElement? parameters, ServerContext context)
    {
        context.Lifecycle.RequestExit();
        return Task.CompletedTask;
    }
}
