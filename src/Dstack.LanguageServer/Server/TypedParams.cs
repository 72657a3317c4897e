using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>Reads a method's params into its record; anything that does not fit is <see cref="ErrorCodes.InvalidParams"/>.</summary>
internal static class TypedParams
{
    public static T Read<T>(string method, JsonElement? parameters, JsonTypeInfo<T> type)
    {
        if (parameters is not { } element)
        {
            throw new JsonRpcException(ErrorCodes.InvalidParams, $"invalid params for '{method}': params are required");
        }

        try
        {
            return element.Deserialize(type) ?? throw new JsonException("params are null");
        }
        catch (JsonException e)
        {
            throw new JsonRpcException(ErrorCodes.InvalidParams, $"invalid params for '{method}': {e.Message}");
        }
    }
}
