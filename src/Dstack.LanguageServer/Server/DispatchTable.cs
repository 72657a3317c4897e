namespace Dstack.LanguageServer.Server;

/// <summary>Method name to handler, for requests and for notifications. A method is registered once.</summary>
public sealed class DispatchTable
{
    private readonly Dictionary<string, IRequestHandler> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, INotificationHandler> _notifications = new(StringComparer.Ordinal);

    public DispatchTable Add(IRequestHandler handler)
    {
        _requests.Add(handler.Method, handler);
        return this;
    }

    public DispatchTable Add(INotificationHandler handler)
    {
        _notifications.Add(handler.Method, handler);
        return this;
    }

    public IRequestHandler? FindRequest(string method) => _requests.GetValueOrDefault(method);

    public INotificationHandler? FindNotification(string method) => _notifications.GetValueOrDefault(method);
}
