using System.Net;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Containers;

/// <summary>What a build's image needs of the engine: an image's own config, and a commit that sets the new image's config.</summary>
public sealed partial class DockerApi
{
    /// <summary>The image's container config (<c>Config</c> of <c>GET /images/NAME/json</c>: Env, Cmd, Entrypoint, ...); null when the engine does not have it.</summary>
    public async Task<JsonObject?> ImageConfigAsync(string image, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images/{Uri.EscapeDataString(image)}/json", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var json = await ReadJsonAsync(response, $"GET /images/{image}/json", cancellationToken).ConfigureAwait(false);
        return json?["Config"] as JsonObject ?? [];
    }

    /// <summary>
    /// Makes an image of the container's file system (<c>POST /commit</c>) named <paramref name="repository"/>:<paramref name="tag"/>
    /// with <paramref name="config"/> as its config (the engine fills what it leaves empty from the container's); returns its id.
    /// </summary>
    public async Task<string> CommitAsync(string id, string repository, string tag, JsonObject config, CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(HttpMethod.Post, $"commit?container={id}&repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}", config, cancellationToken).ConfigureAwait(false);
        return (string?)json?["Id"] ?? throw new DockerApiException(0, $"the engine at {Where} committed {repository}:{tag} but did not say its id");
    }
}
