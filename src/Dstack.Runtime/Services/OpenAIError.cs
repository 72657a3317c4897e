using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Services;

/// <summary>Errors as OpenAI's API writes them: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal static class OpenAIError
{
    /// <summary>How the model routes write JSON: text as it is (no <c>\u003C</c> for <c>&lt;</c>; never read as HTML).</summary>
    public static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, int status, string message, string? code = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Json(status, message, code).ToJsonString(Wire), context.RequestAborted).ConfigureAwait(false);
    }

    public static JsonObject Json(int status, string message, string? code = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = status >= 500 ? "server_error" : "invalid_request_error",
            ["param"] = null,
            ["code"] = code,
        },
    };
}
