using System.Text.Json;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// Handles one notification method. Notifications are handled one at a time, in the order they arrive, so that
/// document changes apply in order; an exception is logged, and the session goes on.
/// </summary>
public interface INotificationHandler
{
    string Method { get; }

    Task HandleAsync(JsonElement? parameters, ServerContext context);
}
