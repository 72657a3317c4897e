using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Services;

/// <summary>
/// <c>stream: true</c>: TGI's <c>/generate_stream</c> server-sent events (<c>data: {"token": {"text", "special"},
/// "details": null | {"finish_reason"}}</c>) as OpenAI <c>chat.completion.chunk</c> events, the first with the
/// assistant role, the last with the finish reason, then <c>data: [DONE]</c>. The answer starts only once TGI's first
/// event parses, so a model server that answers garbage is a 502 rather than a broken stream. Text that may be the
/// start of a stop sequence is held back until it is not, so the stop sequence that ends the answer is never sent.
/// </summary>
internal sealed partial class TgiRoute
{
    private async Task StreamAsync(HttpContext context, HttpResponseMessage response, List<string> stops)
    {
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var started = false;
        var finished = false;
        var first = true;
        var pending = string.Empty;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false), Encoding.UTF8);
        while (!finished && await reader.ReadLineAsync(context.RequestAborted).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            JsonObject? tgi;
            try
            {
                tgi = JsonNode.Parse(line.AsSpan(5).Trim().ToString()) as JsonObject;
            }
            catch (JsonException)
            {
                tgi = null;
            }

            string? problem = tgi is null ? $"the model server sent an event that is not TGI's: {TgiPayload.ErrorText(line[5..])}"
                : tgi["error"] is { } error ? $"the model server failed: {(error.GetValueKind() == JsonValueKind.String ? (string?)error : error.ToJsonString(OpenAIError.Wire))}"
                : null;
            if (problem is not null)
            {
                if (!started)
                {
                    await OpenAIError.WriteAsync(context, 502, problem).ConfigureAwait(false);
                    return;
                }

                await SendAsync(context, OpenAIError.Json(502, problem)).ConfigureAwait(false);
                break;
            }

            if (!started)
            {
                started = true;
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache";
            }

            var delta = new JsonObject();
            if (first)
            {
                delta["role"] = "assistant";
                first = false;
            }

            if (tgi!["token"] is JsonObject token && token["special"]?.GetValueKind() != JsonValueKind.True && token["text"]?.GetValueKind() == JsonValueKind.String)
            {
                pending += (string)token["text"]!;
            }

            var details = tgi["details"] as JsonObject;
            finished = details is not null;
            var tgiReason = details?["finish_reason"]?.GetValueKind() == JsonValueKind.String ? (string?)details["finish_reason"] : null;
            var reason = tgiReason is null ? null : TgiPayload.FinishReason(tgiReason);
            if (finished && tgiReason == "stop_sequence")
            {
                pending = TrimStop(pending, stops);
            }

            var held = finished ? 0 : HeldBack(pending, stops);
            if (pending.Length > held)
            {
                delta["content"] = pending[..^held];
                pending = pending[^held..];
            }

            if (delta.Count == 0 && !finished)
            {
                continue;
            }

            await SendAsync(context, Chunk(id, created, delta, finished ? reason ?? "stop" : null)).ConfigureAwait(false);
        }

        if (!started)
        {
            await OpenAIError.WriteAsync(context, 502, "the model server's stream ended without an event; check `dstack logs " + Service + "`").ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>How many characters at the end of <paramref name="text"/> could be the start of a stop sequence.</summary>
    private static int HeldBack(string text, List<string> stops)
    {
        var held = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length, text.Length); length > held; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    held = length;
                    break;
                }
            }
        }

        return held;
    }

    private JsonObject Chunk(string id, long created, JsonObject delta, string? finishReason) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = Model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
    };

    private static async Task SendAsync(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync("data: " + data.ToJsonString(OpenAIError.Wire) + "\n\n", context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
