using System.Text;
using System.Text.Json;
using Dstack.Runtime.Containers;

namespace Dstack.Runtime.Tests.Containers;

[Trait("Category", "Fast")]
public sealed class RegistryCredentialsTests
{
    [Theory]
    [InlineData("127.0.0.1:5000/private/busybox:1.35", "127.0.0.1:5000")]
    [InlineData("localhost/busybox", "localhost")]
    [InlineData("registry.example.test/team/app:1", "registry.example.test")]
    [InlineData("ubuntu:22.04", "https://index.docker.io/v1/")]
    public void Header_IsBase64JsonWithTheServerAddressOfTheImagesRegistry(string image, string serverAddress)
    {
        var header = new RegistryCredentials("alice", "pa:ss\"word").Header(ImageReference.Parse(image));

        using var json = JsonDocument.Parse(Decode(header));
        Assert.Equal("alice", json.RootElement.GetProperty("username").GetString());
        Assert.Equal("pa:ss\"word", json.RootElement.GetProperty("password").GetString());
        Assert.Equal(serverAddress, json.RootElement.GetProperty("serveraddress").GetString());
    }

    [Fact]
    public void Header_IsUrlSafe_EvenWhereStandardBase64WouldHavePlusAndSlash()
    {
        // Bytes 0xFB 0xFF (in "\u00ff\u00fb\u00bf...": UTF-8 with many high bits) come out as '+' and '/' in standard base64.
        var credentials = new RegistryCredentials("u", "\u00ff\u00fb\u00bf\u00ff\u00fe\u00ff?>?>~~~");
        var image = ImageReference.Parse("localhost:5000/x");
        var json = $"{{\"username\":\"u\",\"password\":\"{credentials.Password}\",\"serveraddress\":\"localhost:5000\"}}";
        var standard = Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
        Assert.True(standard.Contains('+', StringComparison.Ordinal) || standard.Contains('/', StringComparison.Ordinal), standard);

        var header = credentials.Header(image);

        Assert.DoesNotContain("+", header, StringComparison.Ordinal);
        Assert.DoesNotContain("/", header, StringComparison.Ordinal);
        Assert.Equal(credentials.Password, JsonDocument.Parse(Decode(header)).RootElement.GetProperty("password").GetString());
    }

    [Fact]
    public void ToString_NeverShowsThePassword()
    {
        var text = new RegistryCredentials("alice", "hunter2-secret").ToString();

        Assert.Contains("alice", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", text, StringComparison.Ordinal);
    }

    private static string Decode(string header) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/')));
}
