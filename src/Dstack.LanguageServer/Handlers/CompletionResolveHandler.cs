using System.Buffers;
using System.Text.Json;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>completionItem/resolve</c>: gives an item of the latest completion list the documentation the list left out
/// (<see cref="Completion.CompletionForClient"/>); every member the client sent comes back as it was. An item without
/// our <c>data</c>, or of an older list, comes back unchanged.
/// </summary>
public sealed class CompletionResolveHandler() : RequestHandler<JsonElement, JsonElement>(Methods.CompletionResolve, () => LspJsonContext.Default.JsonElement, () => LspJsonContext.Default.JsonElement)
{
    /// <inheritdoc/>
    /// <remarks>A look-up in the kept list: microseconds.</remarks>
    public override bool RunsOnReadLoop => true;

    protected override Task<JsonElement> HandleAsync(JsonElement item, ServerContext context, CancellationToken cancellation)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("data", out var data)
            || data.ValueKind != JsonValueKind.Array
            || data.GetArrayLength() != 2
            || data[0].ValueKind != JsonValueKind.Number
            || data[1].ValueKind != JsonValueKind.Number
            || !data[0].TryGetInt64(out var list)
            || !data[1].TryGetInt64(out var index)
            || context.CompletionDocumentation.Find(list, index) is not { } documentation)
        {
            return Task.FromResult(item);
        }

        var buffer = new ArrayBufferWriter<byte>(item.GetRawText().Length + documentation.Value.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var member in item.EnumerateObject())
            {
                if (!member.NameEquals("documentation"))
                {
                    member.WriteTo(writer);
                }
            }

            writer.WritePropertyName("documentation");
            writer.WriteStartObject();
            writer.WriteString("kind", documentation.Kind);
            writer.WriteString("value", documentation.Value);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        using var resolved = JsonDocument.Parse(buffer.WrittenMemory);
        return Task.FromResult(resolved.RootElement.Clone());
    }
}
