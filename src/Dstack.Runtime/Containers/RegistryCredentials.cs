using System.Text;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Containers;

/// <summary>
/// <c>registry_auth</c>'s user name and password, resolved: sent to the engine only in a pull's <c>X-Registry-Auth</c>
/// header. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>The header's value: URL-safe base64 of <c>{"username", "password", "serveraddress"}</c>, as the docker command sends it.</summary>
    public string Header(ImageReference image)
    {
        var json = new JsonObject
        {
            ["username"] = Username,
            ["password"] = Password,
            ["serveraddress"] = image.Registry == ImageReference.DockerHub ? "https://index.docker.io/v1/" : image.Registry,
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString())).Replace('+', '-').Replace('/', '_');
    }

    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, Password = *** }}";
}
