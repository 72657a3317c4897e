using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// Ports: an item of <c>ports</c> (<c>8080</c>, <c>"3000:80"</c>, <c>"*:8080"</c>) or a service's <c>port</c>
/// (<c>8000</c>, published as 80). Mappings are quoted: YAML 1.1 reads an unquoted <c>8080:80</c> as a base-60 number.
/// A typed number gets its own forms; ports already listed are left out.
/// </summary>
public static class PortCompletion
{
    public static void Add(CompletionItems items, bool isServicePort)
    {
        var typed = items.Request.Prefix.Trim('"', '\'');
        if (typed.Length > 0 && int.TryParse(typed, out var port) && port is > 0 and <= 65535)
        {
            AddForms(items, port, isServicePort);
        }

        if (typed.Length == 0)
        {
            AddForms(items, isServicePort ? 8000 : 8080, isServicePort);
            if (!isServicePort)
            {
                items.Value("3000:80", CompletionItemKind.Value, "local port 3000 to container port 80", quoted: true);
            }
        }
    }

    private static void AddForms(CompletionItems items, int port, bool isServicePort)
    {
        if (isServicePort)
        {
            items.Value($"{port}", CompletionItemKind.Value, $"the service listens on {port}; published on 80");
            items.Value($"80:{port}", CompletionItemKind.Value, $"published on 80, the service listens on {port}", quoted: true);
            return;
        }

        items.Value($"{port}", CompletionItemKind.Value, $"container port {port} on local port {port}");
        items.Value($"*:{port}", CompletionItemKind.Value, $"container port {port} on any free local port", quoted: true);
        items.Value($"{port}:{port}", CompletionItemKind.Value, $"local port {port} to container port {port}", quoted: true);
    }
}
