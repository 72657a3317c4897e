namespace Dstack.LanguageServer.Protocol;

/// <summary>The JSON-RPC 2.0 and LSP error codes this server answers with.</summary>
public static class ErrorCodes
{
    /// <summary>The message is not JSON (or its frame could not be read).</summary>
    public const int ParseError = -32700;

    /// <summary>JSON, but not a JSON-RPC message; also: a request the lifecycle does not allow now.</summary>
    public const int InvalidRequest = -32600;

    public const int MethodNotFound = -32601;

    /// <summary>The params do not have the shape the method expects.</summary>
    public const int InvalidParams = -32602;

    /// <summary>A bug of ours while handling the request; the server goes on.</summary>
    public const int InternalError = -32603;

    /// <summary>A request other than <c>initialize</c> before <c>initialize</c>.</summary>
    public const int ServerNotInitialized = -32002;

    /// <summary>The client cancelled the request with <c>$/cancelRequest</c>.</summary>
    public const int RequestCancelled = -32800;
}
