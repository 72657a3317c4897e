using Dstack.Runtime.Containers;

namespace Dstack.Runtime.Tests.Containers;

/// <summary>
/// The engine's words for failed pulls, as Docker 20.10 says them (the first ones were read from a real engine pulling
/// from Debian's docker-registry on loopback), and what dstack makes of them.
/// </summary>
[Trait("Category", "Fast")]
public sealed class PullFailureTests
{
    private const string Image = "127.0.0.1:5799/private/busybox:1.35";

    [Theory]
    [InlineData("unauthorized: authentication required", true, PullFailureKind.CredentialsRefused)]
    [InlineData("Head \"http://127.0.0.1:5799/v2/private/busybox/manifests/1.35\": no basic auth credentials", false, PullFailureKind.WantsCredentials)]
    [InlineData("unauthorized: authentication required", false, PullFailureKind.WantsCredentials)]
    [InlineData("Get \"https://registry.example.test/v2/\": unauthorized: incorrect username or password", true, PullFailureKind.CredentialsRefused)]
    [InlineData("manifest for 127.0.0.1:5799/private/busybox:9.99 not found: manifest unknown: manifest unknown", true, PullFailureKind.NoSuchImage)]
    [InlineData("pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", false, PullFailureKind.Denied)]
    [InlineData("Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused", true, PullFailureKind.Unreachable)]
    [InlineData("Get \"https://registry.example.test/v2/\": dial tcp: lookup registry.example.test: no such host", false, PullFailureKind.Unreachable)]
    [InlineData("Get \"https://registry.example.test/v2/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)", false, PullFailureKind.Unreachable)]
    [InlineData("Get \"https://10.0.0.5:5000/v2/\": http: server gave HTTP response to HTTPS client", false, PullFailureKind.PlainHttp)]
    [InlineData("Get \"https://registry.example.test/v2/\": x509: certificate signed by unknown authority", false, PullFailureKind.UntrustedCertificate)]
    [InlineData("toomanyrequests: You have reached your pull rate limit.", false, PullFailureKind.RateLimited)]
    [InlineData("invalid reference format: repository name must be lowercase", false, PullFailureKind.InvalidReference)]
    [InlineData("write /var/lib/docker/tmp/x: no space left on device", false, PullFailureKind.Other)]
    public void Classify_ReadsTheEnginesWords(string engineSaid, bool withCredentials, PullFailureKind kind)
    {
        Assert.Equal(kind, PullFailure.Classify(engineSaid, withCredentials));
    }

    [Fact]
    public void Describe_RefusedCredentials_NamesImageRegistryAndUser_NeverThePassword()
    {
        var message = Describe("unauthorized: authentication required", new RegistryCredentials("alice", "the-password"));

        Assert.StartsWith($"image: \"{Image}\" could not be pulled from 127.0.0.1:5799 on this machine: unauthorized: authentication required; ", message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:5799 refused the credentials of registry_auth (user \"alice\")", message, StringComparison.Ordinal);
        Assert.DoesNotContain("the-password", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NoCredentials_SaysTheRegistryWantsThemAndHowToGiveThem()
    {
        var message = Describe("Head \"http://127.0.0.1:5799/v2/private/busybox/manifests/1.35\": no basic auth credentials", null);

        Assert.Contains("127.0.0.1:5799 wants credentials for \"private/busybox\": add registry_auth", message, StringComparison.Ordinal);
        Assert.Contains("${{ env.NAME }}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_UnknownDigest_NamesTheDigest()
    {
        var message = PullFailure.Describe("localhost:5000/x@sha256:00ff", ImageReference.Parse("localhost:5000/x@sha256:00ff"), null, "manifest unknown", "host-a");

        Assert.Contains("localhost:5000 has no image \"x\" with the digest \"sha256:00ff\"", message, StringComparison.Ordinal);
        Assert.Contains("on host-a", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_PlainHttpRegistry_SaysHowToAllowIt()
    {
        var message = PullFailure.Describe("10.0.0.5:5000/x", ImageReference.Parse("10.0.0.5:5000/x"), null, "Get \"https://10.0.0.5:5000/v2/\": http: server gave HTTP response to HTTPS client", "gpu-1");

        Assert.Contains("add \"10.0.0.5:5000\" to insecure-registries", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_UnknownWords_ShowsThemAndTheCommandToSeeMore()
    {
        var message = Describe("something new.", null);

        Assert.EndsWith($"on this machine: something new; try `docker pull {Image}` on this machine to see more", message, StringComparison.Ordinal);
    }

    private static string Describe(string engineSaid, RegistryCredentials? auth) =>
        PullFailure.Describe(Image, ImageReference.Parse(Image), auth, engineSaid, "this machine");
}
