using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Tests.Gcp.Fake;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// The gcp entry's credentials through Google.Apis.Auth: a service-account key whose token_uri is the fake, which
/// checks the RS256 JWT's signature; Application Default Credentials from GOOGLE_APPLICATION_CREDENTIALS and gcloud's
/// file; and clear errors for what is missing or wrong.
/// </summary>
[Trait("Category", "Fast")]
public sealed class GcpCredentialsTests : IClassFixture<GcpCredentialsTests.Server>, IDisposable
{
    private readonly FakeGcp _fake;
    private readonly string _folder = Directory.CreateTempSubdirectory("dstack-gcp-creds-").FullName;

    public GcpCredentialsTests(Server server) => _fake = server.Fake;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ServiceAccount_SignsAJwt_TheFakeVerifies_AndGetsAToken()
    {
        var key = _fake.WriteServiceAccountKey(Path.Combine(_folder, "key.json"));
        var credentials = GcpCredentials.Load(Settings(key), NoEnvironment);

        var token = await credentials.AccessTokenAsync(CancellationToken.None);

        Assert.True(_fake.IsAccessToken(token));
        var request = Assert.Single(_fake.TokenRequests, r => r.Valid && (string?)r.Claims!["scope"] == GcpCredentials.CloudPlatformScope);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", request.GrantType);
        Assert.Contains(FakeGcp.ServiceAccountEmail, credentials.Description, StringComparison.Ordinal);
        Assert.Contains(key, credentials.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", credentials.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceAccount_KeyOfAnotherAccount_TheFakeRefusesTheSignature()
    {
        // Same file shape, another RSA key: the fake verifies with its own public half, so the JWT is refused.
        await using var other = await FakeGcp.StartAsync();
        var key = other.WriteServiceAccountKey(Path.Combine(_folder, "other.json"));
        File.WriteAllText(key, File.ReadAllText(key).Replace(other.TokenUri, _fake.TokenUri, StringComparison.Ordinal));
        var credentials = GcpCredentials.Load(Settings(key), NoEnvironment);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => credentials.AccessTokenAsync(CancellationToken.None));

        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.Contains(_fake.TokenRequests, r => r.Problem == "Invalid JWT Signature.");
    }

    [Fact]
    public void Default_GoogleApplicationCredentials_IsRead()
    {
        var key = _fake.WriteServiceAccountKey(Path.Combine(_folder, "adc.json"));
        var credentials = GcpCredentials.Load(Settings(null), name => name == "GOOGLE_APPLICATION_CREDENTIALS" ? key : null);

        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", credentials.Description, StringComparison.Ordinal);
        Assert.Contains(key, credentials.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_GcloudAdcFile_InCloudsdkConfig_IsRead()
    {
        File.WriteAllText(
            Path.Combine(_folder, GcpCredentials.AdcFileName),
            """{"type": "authorized_user", "client_id": "fake.apps.example", "client_secret": "not-a-secret", "refresh_token": "1//fake"}""");

        var credentials = GcpCredentials.Load(Settings(null), name => name == "CLOUDSDK_CONFIG" ? _folder : null);

        Assert.Contains("authorized user", credentials.Description, StringComparison.Ordinal);
        Assert.Contains("gcloud", credentials.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-secret", credentials.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_NoAdc_SaysHowToGetThem()
    {
        var error = Assert.Throws<GcpCredentialsException>(() => GcpCredentials.Load(Settings(null), name => name == "CLOUDSDK_CONFIG" ? _folder : null));

        Assert.Contains("gcloud auth application-default login", error.Message, StringComparison.Ordinal);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "cannot be read")]
    [InlineData("{not json", "is not a Google credentials JSON file")]
    [InlineData("""{"type": "authorized_user", "client_id": "a", "client_secret": "b", "refresh_token": "c"}""", "not a service account key")]
    [InlineData("""{"type": "service_account", "client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}""", "cannot be used as a service_account credential")]
    public void ServiceAccount_BadFile_NamesTheFileAndTheFix(string? content, string message)
    {
        var path = Path.Combine(_folder, "bad.json");
        if (content is not null)
        {
            File.WriteAllText(path, content);
        }

        var error = Assert.Throws<GcpCredentialsException>(() => GcpCredentials.Load(Settings(path), NoEnvironment));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("creds.filename in config.yml", error.Message, StringComparison.Ordinal);
    }

    private static string? NoEnvironment(string name) => null;

    private static GcpSettings Settings(string? keyFile) => new() { ProjectId = "fake-project-1", ServiceAccountFile = keyFile };

    /// <summary>One fake per class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public FakeGcp Fake { get; private set; } = null!;

        public async Task InitializeAsync() => Fake = await FakeGcp.StartAsync();

        public async Task DisposeAsync() => await Fake.DisposeAsync();
    }
}
