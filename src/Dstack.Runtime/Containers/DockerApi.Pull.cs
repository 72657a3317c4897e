using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Containers;

public sealed partial class DockerApi
{
    /// <summary>
    /// Pulls <paramref name="image"/> (<c>POST /images/create</c>), reporting the layers as they download. With
    /// <paramref name="auth"/>, the credentials travel in the <c>X-Registry-Auth</c> header (never a command line or a log).
    /// </summary>
    /// <exception cref="DockerApiException">The pull failed: the engine's words (unknown image, denied, no network).</exception>
    public async Task PullAsync(ImageReference image, RegistryCredentials? auth, IProgress<ImagePullProgress>? progress, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>();
        if (auth is not null)
        {
            headers["X-Registry-Auth"] = auth.Header(image);
        }

        var path = $"images/create?fromImage={Uri.EscapeDataString(image.FromImage)}&tag={Uri.EscapeDataString(image.PullTag)}";
        using var response = await SendAsync(HttpMethod.Post, path, null, cancellationToken, headers, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, "POST /images/create", cancellationToken).ConfigureAwait(false);
        }

        var layers = new Dictionary<string, (long Current, long Total, bool Done)>(StringComparer.Ordinal);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonNode? json;
            try
            {
                json = JsonNode.Parse(line);
            }
            catch (JsonException)
            {
                continue;
            }

            if (((string?)json?["errorDetail"]?["message"] ?? (string?)json?["error"]) is { } error)
            {
                throw new DockerApiException(500, error.Trim(), "POST /images/create");
            }

            var status = (string?)json?["status"] ?? string.Empty;
            if ((string?)json?["id"] is { Length: > 0 } id && IsLayerStatus(status))
            {
                var (current, total, done) = layers.GetValueOrDefault(id);
                if (json?["progressDetail"] is JsonObject detail && status == "Downloading")
                {
                    current = (long?)detail["current"] ?? current;
                    total = (long?)detail["total"] ?? total;
                }

                if (status is "Download complete" or "Pull complete" or "Already exists" or "Extracting" or "Verifying Checksum")
                {
                    current = Math.Max(current, total);
                    done |= status is "Pull complete" or "Already exists";
                }

                layers[id] = (current, total, done);
            }

            progress?.Report(new ImagePullProgress(
                layers.Count(l => l.Value.Done),
                layers.Count,
                layers.Values.Sum(l => l.Current),
                layers.Values.Sum(l => l.Total),
                status));
        }
    }

    private static bool IsLayerStatus(string status) => status is "Pulling fs layer" or "Waiting" or "Downloading" or "Verifying Checksum"
        or "Download complete" or "Extracting" or "Pull complete" or "Already exists";
}
