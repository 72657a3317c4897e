using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Runtime.Configuration.Model;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Services;

/// <summary>
/// The OpenAI-compatible API of a service with <c>model:</c>, as dstack's gateway serves it: <c>GET /v1/models</c>
/// lists the service's model; <c>POST /v1/chat/completions</c> for that model goes to the next replica, passed through
/// (<see cref="OpenAIRoute"/>) or translated to TGI's generate API (<see cref="TgiRoute"/>). The endpoint tries it after
/// the token check; a request it does not handle is forwarded as any other.
/// </summary>
public abstract class ModelRoute
{
    /// <summary>The largest chat request body read (a larger one is 413).</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private protected ModelRoute(ServiceModel model, string service)
    {
        Model = model.Name;
        Service = service;
    }

    /// <summary>The model name clients ask for.</summary>
    public string Model { get; }

    /// <summary>The service's run name, for messages.</summary>
    protected string Service { get; }

    /// <summary>The route for the model; a <c>chat_template</c> that does not parse throws here, at start.</summary>
    /// <exception cref="ChatTemplateException">The template does not parse (the message names the line and column).</exception>
    public static ModelRoute Create(ServiceModel model, string service) => model switch
    {
        TgiChatModel tgi => new TgiRoute(tgi, service),
        OpenAIChatModel openai => new OpenAIRoute(openai, service),
        _ => throw new ArgumentException($"model format {model.Format} is not served; use openai or tgi", nameof(model)),
    };

    /// <summary>What is wrong with the model's settings (its chat template), or null when the route can be made.</summary>
    public static string? Validate(ServiceModel model)
    {
        try
        {
            _ = Create(model, "service");
            return null;
        }
        catch (ChatTemplateException e)
        {
            return e.Message;
        }
    }

    /// <summary>Answers the request when it is a model route's; false leaves it to plain forwarding (maybe with its path rewritten).</summary>
    internal async Task<bool> HandleAsync(HttpContext context, ReplicaClient replicas)
    {
        var request = context.Request;
        if (request.Path.Equals("/v1/models", StringComparison.Ordinal) && HttpMethods.IsGet(request.Method))
        {
            var list = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject { ["id"] = Model, ["object"] = "model", ["created"] = _created, ["owned_by"] = "dstack" }),
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(list.ToJsonString(OpenAIError.Wire), context.RequestAborted).ConfigureAwait(false);
            return true;
        }

        if (!request.Path.Equals("/v1/chat/completions", StringComparison.Ordinal) || !HttpMethods.IsPost(request.Method))
        {
            return Rewrite(request);
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return true;
        }

        JsonElement chat;
        try
        {
            using var document = JsonDocument.Parse(body);
            chat = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            await OpenAIError.WriteAsync(context, 400, $"the request body is not JSON ({e.Message}); send a chat completion request such as {{\"model\": \"{Model}\", \"messages\": [{{\"role\": \"user\", \"content\": \"Hi\"}}]}}").ConfigureAwait(false);
            return true;
        }

        if (await CheckAsync(context, chat).ConfigureAwait(false))
        {
            request.Body = new MemoryStream(body, writable: false);
            request.Headers.Remove("Transfer-Encoding");
            request.ContentLength = body.Length;
            context.Items[BufferedKey] = body;
            return await ChatAsync(context, chat, replicas).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// The body of a chat request the route read whole before leaving it to be forwarded (the request's body is a copy
    /// of it, so the endpoint can send it again); null for any other request.
    /// </summary>
    internal static byte[]? BufferedBody(HttpContext context) => context.Items.TryGetValue(BufferedKey, out var body) ? body as byte[] : null;

    private static readonly object BufferedKey = new();

    /// <summary>A chat request for this model: answers it, or rewrites its path and returns false to have it forwarded.</summary>
    private protected abstract Task<bool> ChatAsync(HttpContext context, JsonElement chat, ReplicaClient replicas);

    /// <summary>Any other request: rewrites its path where the format maps it; false (forward it).</summary>
    private protected virtual bool Rewrite(HttpRequest request) => false;

    private protected Task NoReplicaAsync(HttpContext context, int tried)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.Headers.RetryAfter = ServiceEndpoint.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return OpenAIError.WriteAsync(
            context,
            503,
            $"{Service} cannot take the request: {(tried == 0 ? "it has no replica running yet" : $"no replica answers on its port ({tried} tried)")}; `dstack ps` shows its replicas and `dstack logs {Service}` what they printed");
    }

    private async Task<bool> CheckAsync(HttpContext context, JsonElement chat)
    {
        string? problem = null;
        var status = 400;
        string? code = null;
        if (chat.ValueKind != JsonValueKind.Object)
        {
            problem = "the request body must be a JSON object with `model` and `messages`";
        }
        else if (!chat.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            problem = $"the request has no `model`; this service serves \"{Model}\"";
        }
        else if (model.GetString() != Model)
        {
            (problem, status, code) = ($"The model `{model.GetString()}` does not exist here; {Service} serves `{Model}` (GET /v1/models lists it)", 404, "model_not_found");
        }
        else if (!chat.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            problem = "the request has no `messages`; send a non-empty list such as [{\"role\": \"user\", \"content\": \"Hi\"}]";
        }
        else if (messages.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String))
        {
            problem = "every item of `messages` must be an object with a string `role` (system, user or assistant) and its `content`";
        }

        if (problem is null)
        {
            return true;
        }

        await OpenAIError.WriteAsync(context, status, problem, code).ConfigureAwait(false);
        return false;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        const string tooLarge = "the request body is larger than 16 MB, the most a chat request may be; send fewer or shorter messages";
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await OpenAIError.WriteAsync(context, 413, tooLarge, "request_too_large").ConfigureAwait(false);
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                await OpenAIError.WriteAsync(context, 413, tooLarge, "request_too_large").ConfigureAwait(false);
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
