using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Runtime.Configuration.Model;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Services;

/// <summary>
/// <c>format: tgi</c>: with a <c>chat_template</c>, a chat request becomes a prompt (the template renders the messages)
/// sent to TGI's <c>/generate</c>, or <c>/generate_stream</c> for <c>stream: true</c>, and TGI's answer becomes an
/// OpenAI <c>chat.completion</c> (or <c>chat.completion.chunk</c> events). Without one (dstack reads it from the
/// HuggingFace Hub, which this project does not reach) the request goes as it is to TGI's own OpenAI-compatible
/// Messages API at <c>/v1/chat/completions</c> (TGI 1.4 and later).
/// </summary>
internal sealed partial class TgiRoute : ModelRoute
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly ChatTemplate? _template;
    private readonly string? _eosToken;

    public TgiRoute(TgiChatModel model, string service)
        : base(model, service)
    {
        _template = model.ChatTemplate is { } source ? ChatTemplate.Parse(source) : null;
        _eosToken = model.EosToken;
    }

    private protected override async Task<bool> ChatAsync(HttpContext context, JsonElement chat, ReplicaClient replicas)
    {
        if (_template is null)
        {
            return false;
        }

        string prompt;
        try
        {
            prompt = _template.Render(chat.GetProperty("messages"), bosToken: string.Empty, eosToken: _eosToken ?? string.Empty);
        }
        catch (ChatTemplateException e)
        {
            await OpenAIError.WriteAsync(context, 400, e.Raised ? e.Message : $"the model's chat_template cannot render these messages: {e.Message}").ConfigureAwait(false);
            return true;
        }

        var (body, problem) = TgiPayload.Build(chat, prompt, _eosToken);
        if (body is null)
        {
            await OpenAIError.WriteAsync(context, 400, problem!).ConfigureAwait(false);
            return true;
        }

        var stream = TgiPayload.Stream(chat);
        var json = body.ToJsonString(OpenAIError.Wire);
        HttpResponseMessage? response = null;
        try
        {
            (response, var tried) = await replicas.SendAsync(
                address => new HttpRequestMessage(HttpMethod.Post, new Uri(address, stream ? "generate_stream" : "generate"))
                {
                    Content = new StringContent(json, Encoding.UTF8, JsonType),
                },
                context.RequestAborted).ConfigureAwait(false);
            if (response is null)
            {
                await NoReplicaAsync(context, tried).ConfigureAwait(false);
            }
            else if (!response.IsSuccessStatusCode)
            {
                var text = TgiPayload.ErrorText(await response.Content.ReadAsStringAsync(context.RequestAborted).ConfigureAwait(false));
                var status = (int)response.StatusCode;
                await OpenAIError.WriteAsync(context, status is >= 400 and < 500 ? status : 502, $"the model server answered {status}: {text}").ConfigureAwait(false);
            }
            else
            {
                var stops = (body["parameters"]!["stop"] as JsonArray)?.Select(s => (string)s!).Where(s => s.Length > 0).ToList() ?? [];
                await (stream ? StreamAsync(context, response, stops) : AnswerAsync(context, response, stops)).ConfigureAwait(false);
            }
        }
        catch (ReplicaFailedException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            await OpenAIError.WriteAsync(context, 502, $"{Service}'s replica {e.Replica} failed the request ({e.Reason}); it was not sent to another replica, as it may have reached this one; `dstack logs {Service}` shows what the replica printed").ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            // Before the answer started: a 502 that says why; after, the stream just ends (the client sees no [DONE]).
            await OpenAIError.WriteAsync(context, 502, $"the model server did not answer: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            response?.Dispose();
        }

        return true;
    }

    private async Task AnswerAsync(HttpContext context, HttpResponseMessage response, List<string> stops)
    {
        var text = await response.Content.ReadAsStringAsync(context.RequestAborted).ConfigureAwait(false);
        JsonNode? answer;
        try
        {
            answer = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            answer = null;
        }

        // TGI's `/` route answers a list of one; /generate an object.
        var generated = (answer as JsonArray)?.FirstOrDefault() ?? answer;
        if (generated is not JsonObject result || result["generated_text"]?.GetValueKind() != JsonValueKind.String)
        {
            await OpenAIError.WriteAsync(context, 502, $"the model server's answer is not TGI's generate answer (no `generated_text`): {TgiPayload.ErrorText(text)}").ConfigureAwait(false);
            return;
        }

        var content = (string)result["generated_text"]!;
        var details = result["details"] as JsonObject;
        var tgiReason = details?["finish_reason"]?.GetValueKind() == JsonValueKind.String ? (string?)details["finish_reason"] : null;
        if (tgiReason == "stop_sequence")
        {
            content = TrimStop(content, stops);
        }

        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                ["logprobs"] = null,
                ["finish_reason"] = TgiPayload.FinishReason(tgiReason),
            }),
        };
        if (details?["generated_tokens"]?.GetValueKind() == JsonValueKind.Number)
        {
            var completionTokens = (long)details["generated_tokens"]!;
            var promptTokens = details["prefill"] is JsonArray prefill ? prefill.Count
                : response.Headers.TryGetValues("x-prompt-tokens", out var header) && long.TryParse(header.FirstOrDefault(), out var p) ? p : 0;
            completion["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString(OpenAIError.Wire), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>TGI's text ends with the stop sequence that ended it; OpenAI's answers do not.</summary>
    private static string TrimStop(string content, List<string> stops)
    {
        var match = stops.Where(s => s.Length > 0 && content.EndsWith(s, StringComparison.Ordinal)).OrderByDescending(s => s.Length).FirstOrDefault();
        return match is null ? content : content[..^match.Length];
    }
}
