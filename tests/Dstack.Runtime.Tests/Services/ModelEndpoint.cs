using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>A real <see cref="ServiceEndpoint"/> with a <c>model:</c> in front of a <see cref="FakeModelServer"/>, and a client for it.</summary>
internal sealed class ModelEndpoint : IAsyncDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero });

    private ModelEndpoint(ServiceEndpoint endpoint, string? token)
    {
        Endpoint = endpoint;
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public ServiceEndpoint Endpoint { get; }

    public static async Task<ModelEndpoint> StartAsync(ServiceModel model, FakeModelServer? server, string? token = null)
    {
        var set = new ReplicaSet();
        if (server is not null)
        {
            set.Add(new ServiceReplica(1, server.Address));
        }

        return await StartAsync(model, set, token);
    }

    /// <summary>An endpoint in front of the given replicas (tests that mix a fake model server with broken ports).</summary>
    public static async Task<ModelEndpoint> StartAsync(ServiceModel model, ReplicaSet replicas, string? token = null)
    {
        var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("llm", new IPEndPoint(IPAddress.Loopback, 0), replicas, token) { Model = model });
        return new ModelEndpoint(endpoint, token);
    }

    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string body)
    {
        using var response = await _http.PostAsync(new Uri(Endpoint.Address, path.TrimStart('/')), new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpStatusCode Status, string? RetryAfter, string Body)> PostWithHeadersAsync(string path, string body)
    {
        using var response = await _http.PostAsync(new Uri(Endpoint.Address, path.TrimStart('/')), new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(Endpoint.Address, path.TrimStart('/')));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts and reads the answer's server-sent events as they arrive: each <c>data:</c> payload.</summary>
    public async Task<(HttpStatusCode Status, string? ContentType, List<string> Events)> StreamAsync(string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint.Address, path.TrimStart('/'))) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                events.Add(line[5..].Trim());
            }
        }

        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, events);
    }

    public static JsonNode Json(string text) => JsonNode.Parse(text)!;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Endpoint.DisposeAsync();
    }
}
