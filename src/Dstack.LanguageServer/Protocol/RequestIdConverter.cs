using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dstack.LanguageServer.Protocol;

/// <summary>Reads and writes a <see cref="RequestId"/> as a JSON integer or string.</summary>
internal sealed class RequestIdConverter : JsonConverter<RequestId>
{
    public override RequestId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => new RequestId(reader.GetString()!),
        JsonTokenType.Number when reader.TryGetInt64(out var number) => new RequestId(number),
        _ => throw new JsonException("a request id is an integer or a string"),
    };

    public override void Write(Utf8JsonWriter writer, RequestId value, JsonSerializerOptions options)
    {
        if (value.Text is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteNumberValue(value.Number ?? 0);
        }
    }
}
