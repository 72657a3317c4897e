namespace Dstack.LanguageServer.Protocol;

/// <summary>
/// A failure to answer with a JSON-RPC error: thrown by the message parser (with the request's id when it could be
/// read) and by handlers that reject their params or their moment (<see cref="ErrorCodes.InvalidParams"/>, ...).
/// </summary>
public sealed class JsonRpcException(int code, string message, RequestId? id = null) : Exception(message)
{
    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public int Code { get; } = code;

    /// <summary>The id of the request this is about, when known.</summary>
    public RequestId? Id { get; } = id;
}
