namespace Dstack.LanguageServer.Protocol;

/// <summary>A JSON-RPC 2.0 message: a request, a notification, or a response (with a result or an error).</summary>
public abstract record JsonRpcMessage
{
    /// <summary>Always <c>"2.0"</c>.</summary>
    public string Jsonrpc { get; init; } = "2.0";
}
