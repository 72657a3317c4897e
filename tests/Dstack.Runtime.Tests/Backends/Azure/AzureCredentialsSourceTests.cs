using Azure.Identity;
using Dstack.Runtime.Backends.Azure;

namespace Dstack.Runtime.Tests.Backends.Azure;

/// <summary>Which credential the azure entry's creds make, and the sign-in host of AZURE_AUTHORITY_HOST.</summary>
[Trait("Category", "Fast")]
public sealed class AzureCredentialsSourceTests
{
    private static readonly AzureSettings Settings = new() { SubscriptionId = "11111111-2222-3333-4444-555555555555", TenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" };

    [Fact]
    public void Create_ClientCreds_IsAClientSecretCredential_DefaultIsTheChain()
    {
        Assert.IsType<ClientSecretCredential>(AzureCredentialsSource.Create(Settings with { Client = new AzureClientSecret("app", "secret") }, _ => null));
        Assert.IsType<DefaultAzureCredential>(AzureCredentialsSource.Create(Settings, _ => null));
    }

    [Fact]
    public void Options_AuthorityHostSet_UsesIt_AndTurnsInstanceDiscoveryOff()
    {
        var environment = Environment("https://127.0.0.1:8443/");

        var secret = AzureCredentialsSource.Options(new ClientSecretCredentialOptions(), environment);
        var chain = AzureCredentialsSource.Options(new DefaultAzureCredentialOptions(), environment);

        Assert.Equal(new Uri("https://127.0.0.1:8443/"), secret.AuthorityHost);
        Assert.True(secret.DisableInstanceDiscovery);
        Assert.Equal(new Uri("https://127.0.0.1:8443/"), chain.AuthorityHost);
        Assert.True(chain.DisableInstanceDiscovery);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("not a uri")]
    public void Options_NoHttpsAuthorityHost_KeepsInstanceDiscovery(string? value)
    {
        var options = AzureCredentialsSource.Options(new ClientSecretCredentialOptions(), Environment(value));

        Assert.False(options.DisableInstanceDiscovery);
        Assert.Equal(AzureAuthorityHosts.AzurePublicCloud, options.AuthorityHost);
    }

    private static Func<string, string?> Environment(string? authorityHost) =>
        name => name == AzureCredentialsSource.AuthorityHostVariable ? authorityHost : null;
}
