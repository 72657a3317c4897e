using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// A thin client of the Compute Engine REST API v1 over HttpClient (Google's compute client libraries are not
/// available here): instances insert/get/delete, zone and global operations waited on with <c>operations/{op}/wait</c>,
/// firewalls get/insert, and machineTypes/acceleratorTypes lists. Resources are System.Text.Json nodes in the API's own
/// field names. Every call carries the credentials' bearer token; errors become <see cref="GcpApiException"/>.
/// </summary>
/// <param name="http">The HTTP client (its lifetime is the caller's).</param>
/// <param name="project">The project id.</param>
/// <param name="accessToken">Gives a current access token (<see cref="GcpCredentials.AccessTokenAsync"/>).</param>
/// <param name="baseUri">The API's root, ending in <c>/compute/v1/</c>; tests point it at a fake.</param>
public sealed partial class GcpCompute(HttpClient http, string project, Func<CancellationToken, Task<string>> accessToken, Uri? baseUri = null)
{
    /// <summary>Compute Engine's public root.</summary>
    public static readonly Uri DefaultBaseUri = new("https://compute.googleapis.com/compute/v1/");

    private readonly Uri _base = baseUri ?? DefaultBaseUri;

    public string Project => project;

    /// <summary>How long an insert request may take to be answered (the answer is an operation, not the instance).</summary>
    public static readonly TimeSpan InsertAnswerLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Creates an instance in <paramref name="zone"/> and waits for the operation; a failed operation throws with its
    /// code. A cancellation stops the wait, never the request: Compute Engine carries out an insert whose answer is never
    /// read, so the request is always answered (within <see cref="InsertAnswerLimit"/>) and the instance, once asked
    /// for, exists by name for the caller to delete.
    /// </summary>
    public async Task InsertInstanceAsync(string zone, JsonObject instance, CancellationToken cancellationToken)
    {
        JsonObject? operation;
        using (var answer = new CancellationTokenSource(InsertAnswerLimit))
        {
            try
            {
                operation = await SendAsync(HttpMethod.Post, $"projects/{project}/zones/{zone}/instances", instance, answer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (answer.IsCancellationRequested)
            {
                throw new GcpApiException(0, "timeout", $"the insert was not answered within {InsertAnswerLimit.TotalSeconds:0} s");
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        await WaitAsync(operation!, $"projects/{project}/zones/{zone}/operations", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The instance, or null when there is none of that name.</summary>
    public async Task<JsonObject?> GetInstanceAsync(string zone, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"projects/{project}/zones/{zone}/instances/{name}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Deletes the instance and waits for it to be gone; false when there was none.</summary>
    public async Task<bool> DeleteInstanceAsync(string zone, string name, CancellationToken cancellationToken)
    {
        JsonObject? operation;
        try
        {
            operation = await SendAsync(HttpMethod.Delete, $"projects/{project}/zones/{zone}/instances/{name}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException e) when (e.IsNotFound)
        {
            return false;
        }

        await WaitAsync(operation!, $"projects/{project}/zones/{zone}/operations", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The firewall rule, or null when there is none of that name.</summary>
    public async Task<JsonObject?> GetFirewallAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"projects/{project}/global/firewalls/{name}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Creates a firewall rule and waits for the global operation; one made meanwhile by another run is fine.</summary>
    public async Task InsertFirewallAsync(JsonObject firewall, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await SendAsync(HttpMethod.Post, $"projects/{project}/global/firewalls", firewall, cancellationToken).ConfigureAwait(false);
            await WaitAsync(operation!, $"projects/{project}/global/operations", cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException e) when (e.Status == 409 || e.Code is "alreadyExists" or "RESOURCE_ALREADY_EXISTS")
        {
        }
    }

    /// <summary>Every machine type of a zone (<c>items</c> of machineTypes.list, all pages).</summary>
    public Task<IReadOnlyList<JsonObject>> ListMachineTypesAsync(string zone, CancellationToken cancellationToken) =>
        ListAsync($"projects/{project}/zones/{zone}/machineTypes", cancellationToken);

    /// <summary>Every accelerator type of a zone (<c>items</c> of acceleratorTypes.list, all pages).</summary>
    public Task<IReadOnlyList<JsonObject>> ListAcceleratorTypesAsync(string zone, CancellationToken cancellationToken) =>
        ListAsync($"projects/{project}/zones/{zone}/acceleratorTypes", cancellationToken);

    private async Task<IReadOnlyList<JsonObject>> ListAsync(string path, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? page = null;
        do
        {
            var query = page is null ? path : $"{path}?pageToken={Uri.EscapeDataString(page)}";
            var answer = await SendAsync(HttpMethod.Get, query, null, cancellationToken).ConfigureAwait(false);
            items.AddRange((answer?["items"] as JsonArray ?? []).OfType<JsonObject>());
            page = (string?)answer?["nextPageToken"];
        }
        while (page is { Length: > 0 });
        return items;
    }

    /// <summary>
    /// Waits for an operation with <c>operations/{name}/wait</c> (which answers when it is DONE or after about two
    /// minutes, so it is asked again until DONE), then throws its first error, if any.
    /// </summary>
    private async Task WaitAsync(JsonObject operation, string operations, CancellationToken cancellationToken)
    {
        var name = (string?)operation["name"] ?? throw new GcpApiException(0, "badOperation", "Compute Engine answered without an operation name");
        while ((string?)operation["status"] != "DONE")
        {
            operation = await SendAsync(HttpMethod.Post, $"{operations}/{name}/wait", null, cancellationToken).ConfigureAwait(false)
                ?? throw new GcpApiException(0, "badOperation", $"the operation {name} answered nothing");
        }

        if (operation["error"]?["errors"] is JsonArray { Count: > 0 } errors && errors[0] is JsonObject first)
        {
            throw new GcpApiException(0, (string?)first["code"] ?? "UNKNOWN", (string?)first["message"] ?? $"the operation {name} failed");
        }
    }

    private async Task<JsonObject?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await accessToken(cancellationToken).ConfigureAwait(false));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        else if (method == HttpMethod.Post)
        {
            request.Content = new StringContent(string.Empty);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? node = null;
        try
        {
            node = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page): reported below with the status.
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = node?["error"];
            var reason = (string?)error?["errors"]?[0]?["reason"] ?? (string?)error?["status"] ?? response.StatusCode.ToString();
            var message = (string?)error?["message"] ?? $"{(int)response.StatusCode} {response.ReasonPhrase} from {method} {path}";
            throw new GcpApiException((int)response.StatusCode, reason, message);
        }

        return node as JsonObject;
    }
}
