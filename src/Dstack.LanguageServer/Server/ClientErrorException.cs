using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>The client answered a request of the server's with a JSON-RPC error.</summary>
public sealed class ClientErrorException(string method, ResponseError error)
    : Exception($"the client answered '{method}' with error {error.Code}: {error.Message}")
{
    public string Method { get; } = method;

    public ResponseError Error { get; } = error;
}
