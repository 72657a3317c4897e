using System.Text.Json;
using System.Text.Unicode;

namespace Dstack.LanguageServer.Protocol;

/// <summary>
/// Turns a frame's body into a <see cref="JsonRpcMessage"/>, or throws a <see cref="JsonRpcException"/> carrying the
/// error to answer: <see cref="ErrorCodes.ParseError"/> for text that is not JSON, <see cref="ErrorCodes.InvalidRequest"/>
/// for JSON that is not a JSON-RPC 2.0 message (with the id when one could be read, so the client can match it).
/// </summary>
public static class JsonRpcParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 128 };

    public static JsonRpcMessage Parse(ReadOnlyMemory<byte> body)
    {
        // The JSON reader checks UTF-8 only when a string is read, which may be deep inside a handler: check it all here.
        if (!Utf8.IsValid(body.Span))
        {
            throw new JsonRpcException(ErrorCodes.ParseError, "the message is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            throw new JsonRpcException(ErrorCodes.ParseError, $"the message is not valid JSON: {e.Message}");
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static JsonRpcMessage Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(root.ValueKind == JsonValueKind.Array ? "batches (a JSON array of messages) are not part of LSP; send one message per frame" : $"a message is a JSON object, not {Describe(root)}", null);
        }

        var hasId = root.TryGetProperty("id", out var idElement);
        var id = hasId ? ReadId(idElement) : null;
        if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            throw Invalid("the message must have \"jsonrpc\": \"2.0\"", id);
        }

        if (root.TryGetProperty("method", out var methodElement))
        {
            if (methodElement.ValueKind != JsonValueKind.String || methodElement.GetString() is not { Length: > 0 } method)
            {
                throw Invalid($"\"method\" must be a non-empty string, not {Describe(methodElement)}", id);
            }

            JsonElement? parameters = null;
            if (root.TryGetProperty("params", out var paramsElement))
            {
                if (paramsElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                {
                    throw Invalid($"\"params\" must be an object or an array, not {Describe(paramsElement)}", id);
                }

                parameters = paramsElement.Clone();
            }

            if (!hasId)
            {
                return new NotificationMessage(method, parameters);
            }

            return id is { } requestId ? new RequestMessage(requestId, method, parameters) : throw Invalid("a request's \"id\" must be an integer or a string, not null", null);
        }

        if (hasId && root.TryGetProperty("error", out var error))
        {
            return new ErrorResponseMessage(id, ReadError(error, id));
        }

        if (id is { } responseId && root.TryGetProperty("result", out var result))
        {
            return new ResponseMessage(responseId, result.Clone());
        }

        throw Invalid("a message needs a \"method\" (request or notification) or an \"id\" with a \"result\" or an \"error\" (response)", id);
    }

    private static RequestId? ReadId(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new RequestId(element.GetString()!),
        JsonValueKind.Number when element.TryGetInt64(out var number) => new RequestId(number),
        JsonValueKind.Null => null,
        _ => throw Invalid($"\"id\" must be an integer or a string, not {Describe(element)}", null),
    };

    private static ResponseError ReadError(JsonElement error, RequestId? id)
    {
        if (error.ValueKind != JsonValueKind.Object ||
            !error.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out var number) ||
            !error.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
        {
            throw Invalid("\"error\" must be an object with an integer \"code\" and a string \"message\"", id);
        }

        return new ResponseError(number, message.GetString()!, error.TryGetProperty("data", out var data) ? data.Clone() : null);
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => "null",
    };

    private static JsonRpcException Invalid(string reason, RequestId? id) => new(ErrorCodes.InvalidRequest, $"invalid request: {reason}", id);
}
