using System.Text.Json;
using Dstack.Runtime.Configuration.Model;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Services;

/// <summary>
/// <c>format: openai</c>: the replica serves an OpenAI-compatible API under <c>prefix</c>; a request to
/// <c>/v1/REST</c> is forwarded (streamed answers included) to <c>{prefix}/REST</c> on the next replica.
/// </summary>
internal sealed class OpenAIRoute : ModelRoute
{
    private readonly string _prefix;

    public OpenAIRoute(OpenAIChatModel model, string service)
        : base(model, service)
    {
        var prefix = model.Prefix.Trim().TrimEnd('/');
        _prefix = prefix.Length == 0 || prefix[0] == '/' ? prefix : "/" + prefix;
    }

    private protected override Task<bool> ChatAsync(HttpContext context, JsonElement chat, ReplicaClient replicas) =>
        Task.FromResult(Rewrite(context.Request));

    private protected override bool Rewrite(HttpRequest request)
    {
        var path = request.Path.Value ?? string.Empty;
        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            request.Path = new PathString(_prefix + path[3..]);
        }

        return false;
    }
}
