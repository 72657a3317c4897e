using System.Text.Json;
using Google.Apis.Auth.OAuth2;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// The gcp entry's credentials, read with Google.Apis.Auth: the service-account key file named in config.yml
/// (<c>creds: {type: service_account, filename}</c>), or Application Default Credentials (<c>creds: {type: default}</c>):
/// the file named by GOOGLE_APPLICATION_CREDENTIALS, else gcloud's ADC file (written by
/// <c>gcloud auth application-default login</c>, in <c>$CLOUDSDK_CONFIG</c> or <c>~/.config/gcloud</c>). A VM's metadata
/// server is not asked: dstack runs on the user's machine, and asking it off Compute Engine waits for a timeout.
/// </summary>
public sealed class GcpCredentials
{
    /// <summary>The OAuth scope Compute Engine calls need.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>The file ADC names, in gcloud's configuration folder.</summary>
    public const string AdcFileName = "application_default_credentials.json";

    private GcpCredentials(GoogleCredential credential, string description)
    {
        Credential = credential;
        Description = description;
    }

    /// <summary>The credential, scoped for Compute Engine; it fetches and refreshes access tokens itself.</summary>
    public GoogleCredential Credential { get; }

    /// <summary>Where the credentials come from, in words (a file and an account, never a secret).</summary>
    public string Description { get; }

    /// <summary>An access token for a request (cached by the credential until shortly before it expires).</summary>
    public Task<string> AccessTokenAsync(CancellationToken cancellationToken) =>
        ((ITokenAccess)Credential).GetAccessTokenForRequestAsync(null, cancellationToken);

    /// <summary>
    /// The file <c>creds: {type: default}</c> reads, and how it was found: GOOGLE_APPLICATION_CREDENTIALS, then gcloud's
    /// ADC file. Null when there is none (the file is not checked to exist when the variable names it: a wrong name is
    /// the user's to hear about).
    /// </summary>
    public static (string Path, string Origin)? DefaultFile(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("GOOGLE_APPLICATION_CREDENTIALS") is { Length: > 0 } named)
        {
            return (named, "GOOGLE_APPLICATION_CREDENTIALS");
        }

        var folder = environment("CLOUDSDK_CONFIG") is { Length: > 0 } config
            ? config
            : OperatingSystem.IsWindows()
                ? Path.Combine(environment("APPDATA") ?? string.Empty, "gcloud")
                : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "gcloud");
        var adc = Path.Combine(folder, AdcFileName);
        return File.Exists(adc) ? (adc, "gcloud's application default credentials") : null;
    }

    /// <summary>Loads the entry's credentials.</summary>
    /// <exception cref="GcpCredentialsException">There are none, or the file cannot be read or is not a credential; the message says which file and what to do.</exception>
    public static GcpCredentials Load(GcpSettings settings, Func<string, string?>? environment = null)
    {
        string path, origin;
        if (settings.ServiceAccountFile is { } keyFile)
        {
            (path, origin) = (keyFile, "creds.filename in config.yml");
        }
        else if (DefaultFile(environment) is { } found)
        {
            (path, origin) = found;
        }
        else
        {
            throw new GcpCredentialsException("no Application Default Credentials were found (GOOGLE_APPLICATION_CREDENTIALS is not set and gcloud has no application_default_credentials.json); run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS to a key file, or write `creds: {type: service_account, filename: key.json}` in config.yml");
        }

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GcpCredentialsException($"the credentials file {path} (from {origin}) cannot be read ({e.Message.TrimEnd('.')}); check the path, or create a key for the service account and name it there");
        }

        var type = TypeOf(json) ?? throw new GcpCredentialsException($"the credentials file {path} (from {origin}) is not a Google credentials JSON file (no \"type\"); download the service account's key again (IAM > Service accounts > Keys > Add key > JSON)");
        if (settings.ServiceAccountFile is not null && type != JsonCredentialParameters.ServiceAccountCredentialType)
        {
            throw new GcpCredentialsException($"the credentials file {path} (from {origin}) holds a credential of type {type}, not a service account key; name a service account's JSON key, or use `creds: {{type: default}}` for gcloud's credentials");
        }

        GoogleCredential credential;
        try
        {
            credential = CredentialFactory.FromJson(json, type);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException or FormatException or NotSupportedException or System.Security.Cryptography.CryptographicException)
        {
            throw new GcpCredentialsException($"the credentials file {path} (from {origin}) cannot be used as a {type} credential ({e.Message.TrimEnd('.')}); download the key again, or run `gcloud auth application-default login`");
        }

        var account = credential.UnderlyingCredential is ServiceAccountCredential serviceAccount ? $"service account {serviceAccount.Id}" : type.Replace('_', ' ');
        return new GcpCredentials(credential.CreateScoped(CloudPlatformScope), $"{account} from {path} ({origin})");
    }

    private static string? TypeOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String
                && type.GetString() is { Length: > 0 } name
                ? name
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
