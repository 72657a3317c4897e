using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Services;

/// <summary>
/// An OpenAI chat request as TGI's <c>/generate</c> body (<c>{"inputs": prompt, "parameters": {...}}</c>) and TGI's
/// answers as OpenAI's: <c>max_tokens</c> → <c>max_new_tokens</c>; <c>temperature</c> 0 → greedy
/// (<c>do_sample: false</c>), above 0 → sampling at that temperature; <c>top_p</c> below 1 → <c>top_p</c>;
/// <c>stop</c> (a string or a list) plus the eos token → <c>stop</c>; <c>seed</c> → <c>seed</c>; details always asked.
/// </summary>
internal static class TgiPayload
{
    /// <summary>The generate body; or the problem with the request's parameters.</summary>
    public static (JsonObject? Body, string? Problem) Build(JsonElement chat, string prompt, string? eosToken)
    {
        var parameters = new JsonObject { ["details"] = true, ["return_full_text"] = false };
        if (Number(chat, "n") is { } n && n != 1)
        {
            return (null, $"`n` is {n}: a tgi model answers one choice per request; leave `n` out or set it to 1");
        }

        if (Number(chat, "max_tokens") is { } max)
        {
            if (max < 1 || max != Math.Floor(max))
            {
                return (null, $"`max_tokens` is {max}: it must be a whole number of at least 1");
            }

            parameters["max_new_tokens"] = (long)max;
        }

        if (Number(chat, "temperature") is { } temperature)
        {
            if (temperature < 0)
            {
                return (null, $"`temperature` is {temperature}: it must be 0 (no sampling) or more");
            }

            parameters["do_sample"] = temperature > 0;
            if (temperature > 0)
            {
                parameters["temperature"] = temperature;
            }
        }

        if (Number(chat, "top_p") is { } topP and > 0 and < 1)
        {
            parameters["top_p"] = topP;
        }

        if (Number(chat, "seed") is { } seed)
        {
            parameters["seed"] = (long)seed;
        }

        var stop = new JsonArray();
        if (chat.TryGetProperty("stop", out var given))
        {
            var items = given.ValueKind switch
            {
                JsonValueKind.String => [given],
                JsonValueKind.Array => [.. given.EnumerateArray()],
                JsonValueKind.Null => [],
                _ => (JsonElement[]?)null,
            };
            if (items is null || items.Any(i => i.ValueKind != JsonValueKind.String))
            {
                return (null, "`stop` must be a string or a list of strings");
            }

            foreach (var item in items)
            {
                stop.Add((JsonNode?)item.GetString());
            }
        }

        if (!string.IsNullOrEmpty(eosToken) && !stop.Any(s => (string?)s == eosToken))
        {
            stop.Add((JsonNode)eosToken);
        }

        if (stop.Count > 0)
        {
            parameters["stop"] = stop;
        }

        return (new JsonObject { ["inputs"] = prompt, ["parameters"] = parameters }, null);
    }

    /// <summary>TGI's <c>details.finish_reason</c> as OpenAI's: <c>length</c> stays, the rest (eos_token, stop_sequence) is <c>stop</c>.</summary>
    public static string FinishReason(string? tgi) => tgi == "length" ? "length" : "stop";

    public static bool Stream(JsonElement chat) => chat.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    /// <summary>A TGI error body (<c>{"error": "...", "error_type": "..."}</c>) as text; the raw start of anything else.</summary>
    public static string ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText();
            }
        }
        catch (JsonException)
        {
        }

        var text = body.Trim();
        return text.Length == 0 ? "(an empty body)" : text.Length > 200 ? text[..200] + "..." : text;
    }

    private static double? Number(JsonElement chat, string name) =>
        chat.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
