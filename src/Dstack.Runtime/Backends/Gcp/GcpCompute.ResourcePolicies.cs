using System.Text.Json.Nodes;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Resource policies (<c>projects/P/regions/R/resourcePolicies</c>): the compact placement policy a run of several
/// nodes is placed with, made before its first instance and deleted once none uses it.
/// </summary>
public sealed partial class GcpCompute
{
    /// <summary>The policy, or null when there is none of that name in the region.</summary>
    public async Task<JsonObject?> GetResourcePolicyAsync(string region, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"projects/{project}/regions/{region}/resourcePolicies/{name}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Creates a resource policy in the region and waits for the operation; one of that name made already (for an earlier node) is fine.</summary>
    public async Task InsertResourcePolicyAsync(string region, JsonObject policy, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await SendAsync(HttpMethod.Post, $"projects/{project}/regions/{region}/resourcePolicies", policy, cancellationToken).ConfigureAwait(false);
            await WaitAsync(operation!, $"projects/{project}/regions/{region}/operations", cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException e) when (e.Status == 409 || e.Code is "alreadyExists" or "RESOURCE_ALREADY_EXISTS")
        {
        }
    }

    /// <summary>
    /// Deletes the resource policy and waits for it to be gone: true when it was deleted or there was none; false while
    /// an instance still uses it (Compute Engine refuses with <c>resourceInUseByAnotherResource</c>).
    /// </summary>
    public async Task<bool> DeleteResourcePolicyAsync(string region, string name, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await SendAsync(HttpMethod.Delete, $"projects/{project}/regions/{region}/resourcePolicies/{name}", null, cancellationToken).ConfigureAwait(false);
            await WaitAsync(operation!, $"projects/{project}/regions/{region}/operations", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GcpApiException e) when (e.IsNotFound)
        {
            return true;
        }
        catch (GcpApiException e) when (e.Code is "resourceInUseByAnotherResource" or "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE")
        {
            return false;
        }
    }
}
