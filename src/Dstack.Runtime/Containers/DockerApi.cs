using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Containers;

/// <summary>
/// A small client of the Docker Engine API (the HTTP API that <c>docker</c> itself speaks), over a connection that
/// the connect function opens: this machine's unix socket (<see cref="ForSocket"/>), or a host's socket forwarded
/// over SSH. Only what a job needs: ping, image inspect and pull, container create, start, wait, logs, kill, stop,
/// remove, list and commit. Paths carry no API version, so the engine answers in its own (any engine of the last
/// years: DeviceRequests need API 1.40, Docker 19.03).
/// </summary>
/// <remarks>Why not Docker.DotNet: see docs/backends.md ("Containers"): one small typed surface, no reflection-bound
/// JSON (Native AOT, issue 20), and the same client over an SSH-forwarded socket.</remarks>
public sealed partial class DockerApi : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="connect">Opens a new connection to the engine (a stream the HTTP requests are written to).</param>
    /// <param name="where">How messages name the engine: <c>/var/run/docker.sock</c>, <c>gpu-1's Docker engine</c>.</param>
    public DockerApi(Func<CancellationToken, ValueTask<Stream>> connect, string where)
    {
        Where = where;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => connect(cancellationToken),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseProxy = false,
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>How messages name the engine.</summary>
    public string Where { get; }

    /// <summary>A client of the engine listening on the unix socket <paramref name="socketPath"/>.</summary>
    public static DockerApi ForSocket(string socketPath, string? where = null) => new(async cancellationToken =>
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }, where ?? socketPath);

    /// <summary>True when the engine answers <c>GET /_ping</c> with OK within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync("_ping", limit.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(limit.Token).ConfigureAwait(false)).Contains("OK", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The engine's version (<c>GET /version</c>): its <c>Version</c> and <c>ApiVersion</c>.</summary>
    public async Task<(string Version, string ApiVersion)> VersionAsync(CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(HttpMethod.Get, "version", null, cancellationToken).ConfigureAwait(false);
        return ((string?)json?["Version"] ?? "?", (string?)json?["ApiVersion"] ?? "?");
    }

    /// <summary>The image's id (its digest, <c>sha256:...</c>) when the engine has <paramref name="image"/>; null when it does not.</summary>
    public async Task<string?> ImageIdAsync(string image, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images/{Uri.EscapeDataString(image)}/json", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var json = await ReadJsonAsync(response, $"GET /images/{image}/json", cancellationToken).ConfigureAwait(false);
        return (string?)json?["Id"];
    }

    /// <summary>
    /// Creates a container (<c>POST /containers/create?name=NAME</c>) from <paramref name="body"/> (the API's
    /// container config) and returns its id.
    /// </summary>
    public async Task<string> CreateContainerAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(HttpMethod.Post, $"containers/create?name={Uri.EscapeDataString(name)}", body, cancellationToken).ConfigureAwait(false);
        return (string?)json?["Id"] ?? throw new DockerApiException(0, $"the engine at {Where} created the container {name} but did not say its id");
    }

    public async Task StartAsync(string id, CancellationToken cancellationToken) =>
        await SendJsonAsync(HttpMethod.Post, $"containers/{id}/start", null, cancellationToken, HttpStatusCode.NotModified).ConfigureAwait(false);

    /// <summary>Waits for the container to stop (<c>POST /containers/ID/wait?condition=not-running</c>) and returns its exit code.</summary>
    public async Task<int> WaitAsync(string id, CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(HttpMethod.Post, $"containers/{id}/wait?condition=not-running", null, cancellationToken).ConfigureAwait(false);
        return (int?)json?["StatusCode"] ?? throw new DockerApiException(0, $"the engine at {Where} said the container {id} stopped but not with which exit code");
    }

    /// <summary>
    /// Opens the container's output (<c>GET /containers/ID/logs</c> with stdout, stderr and timestamps), from
    /// <paramref name="since"/> on (Unix seconds with nanoseconds; null for the start), following it with
    /// <paramref name="follow"/> until the container stops. The stream is the engine's multiplexed form (<see cref="LogFrames"/>).
    /// </summary>
    public async Task<Stream> LogsAsync(string id, bool follow, string? since, CancellationToken cancellationToken)
    {
        var query = $"containers/{id}/logs?stdout=1&stderr=1&timestamps=1&follow={(follow ? 1 : 0)}" + (since is null ? string.Empty : $"&since={since}");
        var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, query), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await FailureAsync(response, $"GET /containers/{id}/logs", cancellationToken).ConfigureAwait(false);
            }
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="signal"/> to the container's process 1 (<c>POST /containers/ID/kill</c>); false when it does not run.</summary>
    public async Task<bool> KillAsync(string id, int signal, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/kill?signal={signal.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Removes the container with its anonymous volumes (<c>DELETE /containers/ID?force=1&amp;v=1</c>); true when it is gone, also when there was none.</summary>
    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"containers/{id}?force=1&v=1", null, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }

        // "removal of container ... is already in progress": the engine is removing it.
        var said = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return said.Contains("already in progress", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The ids of the containers (running or not) named exactly <paramref name="name"/> that carry <paramref name="label"/>.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string? name, string label, CancellationToken cancellationToken)
    {
        var filters = new JsonObject { ["label"] = new JsonArray(label) };
        if (name is not null)
        {
            filters["name"] = new JsonArray($"^/{name}$");
        }

        var json = await SendJsonAsync(HttpMethod.Get, $"containers/json?all=1&filters={Uri.EscapeDataString(filters.ToJsonString())}", null, cancellationToken).ConfigureAwait(false);
        return json is JsonArray list ? [.. list.Select(c => (string?)c?["Id"]).OfType<string>()] : [];
    }

    /// <summary>The container's state: whether it runs and its main process's id on its host; null when there is no such container.</summary>
    public async Task<(bool Running, int Pid)?> StateAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{id}/json", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var json = await ReadJsonAsync(response, $"GET /containers/{id}/json", cancellationToken).ConfigureAwait(false);
        return ((bool?)json?["State"]?["Running"] ?? false, (int?)json?["State"]?["Pid"] ?? 0);
    }

    /// <summary>Makes an image of the container's file system (<c>POST /commit</c>) named <paramref name="repository"/>:<paramref name="tag"/>; returns its id.</summary>
    public async Task<string> CommitAsync(string id, string repository, string tag, CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(HttpMethod.Post, $"commit?container={id}&repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}", new JsonObject(), cancellationToken).ConfigureAwait(false);
        return (string?)json?["Id"] ?? throw new DockerApiException(0, $"the engine at {Where} committed {repository}:{tag} but did not say its id");
    }

    /// <summary>Removes an image (<c>DELETE /images/NAME</c>); true when it is gone.</summary>
    public async Task<bool> RemoveImageAsync(string image, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"images/{Uri.EscapeDataString(image)}?force=1", null, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound;
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new DockerEngineUnreachableException($"no Docker engine answers at {Where} ({Inner(e)})", e);
        }
        finally
        {
            request.Dispose();
        }
    }

    private async Task<JsonNode?> SendJsonAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken, HttpStatusCode alsoFine = HttpStatusCode.OK)
    {
        using var response = await SendAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == alsoFine && alsoFine != HttpStatusCode.OK)
        {
            return null;
        }

        return await ReadJsonAsync(response, $"{method} /{path.Split('?')[0]}", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, what, cancellationToken).ConfigureAwait(false);
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new DockerApiException((int)response.StatusCode, $"an answer that is not JSON: {Shorten(text)}", what);
        }
    }

    /// <summary>The engine's error (<c>{"message": "..."}</c>) as an exception with its status.</summary>
    private static async Task<DockerApiException> FailureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string message;
        try
        {
            message = (string?)JsonNode.Parse(text)?["message"] ?? text;
        }
        catch (System.Text.Json.JsonException)
        {
            message = text;
        }

        return new DockerApiException((int)response.StatusCode, Shorten(message.Trim()), what);
    }

    private static string Inner(Exception e) => e.InnerException is { } inner ? Inner(inner) : e.Message;

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "...";
}
