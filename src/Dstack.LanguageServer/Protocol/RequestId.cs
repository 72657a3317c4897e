using System.Globalization;
using System.Text.Json.Serialization;

namespace Dstack.LanguageServer.Protocol;

/// <summary>A JSON-RPC request id: an integer or a string, echoed back in the same form.</summary>
[JsonConverter(typeof(RequestIdConverter))]
public readonly record struct RequestId
{
    public RequestId(long number) => Number = number;

    public RequestId(string text) => Text = text;

    public long? Number { get; }

    public string? Text { get; }

    public override string ToString() => Text ?? Number?.ToString(CultureInfo.InvariantCulture) ?? "null";
}
