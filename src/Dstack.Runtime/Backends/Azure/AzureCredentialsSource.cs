using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The credential the azure entry's <c>creds</c> names: a service principal's client secret
/// (<see cref="ClientSecretCredential"/>) or Azure.Identity's default chain (<see cref="DefaultAzureCredential"/>:
/// environment, workload identity, managed identity, Azure CLI), both for the entry's tenant.
/// </summary>
/// <remarks>
/// A sovereign or private cloud's sign-in host comes from <c>AZURE_AUTHORITY_HOST</c>, as for every Azure SDK; with one
/// set, instance discovery is turned off, since it first asks a public Microsoft host about the authority (18 s lost
/// where that host cannot be reached).
/// </remarks>
public static class AzureCredentialsSource
{
    /// <summary>The environment variable of the sign-in host (Azure.Identity's own name).</summary>
    public const string AuthorityHostVariable = "AZURE_AUTHORITY_HOST";

    /// <summary>
    /// The credential for <paramref name="settings"/>. <paramref name="transport"/> replaces how the sign-in requests
    /// are sent (tests send them to a fake that a test certificate serves); the product always passes null.
    /// </summary>
    public static TokenCredential Create(AzureSettings settings, Func<string, string?>? environment = null, HttpPipelineTransport? transport = null) =>
        settings.Client is { } client
            ? new ClientSecretCredential(settings.TenantId, client.ClientId, client.Secret, Options(new ClientSecretCredentialOptions(), environment, transport))
            : new DefaultAzureCredential(Options(new DefaultAzureCredentialOptions { TenantId = settings.TenantId }, environment, transport));

    /// <summary>
    /// <paramref name="options"/> with the sign-in host of <c>AZURE_AUTHORITY_HOST</c> (and instance discovery off) when it
    /// is set to an absolute https URI; with Azure.Identity's defaults otherwise.
    /// </summary>
    public static T Options<T>(T options, Func<string, string?>? environment = null, HttpPipelineTransport? transport = null)
        where T : TokenCredentialOptions
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (AuthorityHost(environment) is { } host)
        {
            options.AuthorityHost = host;
            switch (options)
            {
                case ClientSecretCredentialOptions secret:
                    secret.DisableInstanceDiscovery = true;
                    break;
                case DefaultAzureCredentialOptions chain:
                    chain.DisableInstanceDiscovery = true;
                    break;
            }
        }

        if (transport is not null)
        {
            options.Transport = transport;
        }

        return options;
    }

    /// <summary>The configured sign-in host; null when unset or not an absolute https URI (Azure.Identity refuses others).</summary>
    public static Uri? AuthorityHost(Func<string, string?> environment) =>
        environment(AuthorityHostVariable) is { Length: > 0 } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? uri
            : null;

    /// <summary>Where the credential comes from, in words, never with a secret.</summary>
    public static string Describe(AzureSettings settings) =>
        settings.Client is { } client
            ? $"{client} in tenant {settings.TenantId}"
            : $"Azure.Identity's default chain (environment, managed identity, az login) in tenant {settings.TenantId}";
}
