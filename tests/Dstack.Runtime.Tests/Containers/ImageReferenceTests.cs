using Dstack.Runtime.Containers;

namespace Dstack.Runtime.Tests.Containers;

[Trait("Category", "Fast")]
public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("ubuntu", "docker.io", "ubuntu", "latest", null)]
    [InlineData("ubuntu:22.04", "docker.io", "ubuntu", "22.04", null)]
    [InlineData("dstackai/base:py3.11-0.4", "docker.io", "dstackai/base", "py3.11-0.4", null)]
    [InlineData("docker.io/library/ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", null)]
    [InlineData("index.docker.io/library/ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", null)]
    [InlineData("registry-1.docker.io/dstackai/base", "docker.io", "dstackai/base", "latest", null)]
    [InlineData("localhost/busybox:1.35", "localhost", "busybox", "1.35", null)]
    [InlineData("localhost:5000/x", "localhost:5000", "x", "latest", null)]
    [InlineData("localhost:5000/x:1.0", "localhost:5000", "x", "1.0", null)]
    [InlineData("127.0.0.1:5000/private/busybox:1.35", "127.0.0.1:5000", "private/busybox", "1.35", null)]
    [InlineData("registry.example.test/team/app", "registry.example.test", "team/app", "latest", null)]
    [InlineData("ubuntu@sha256:0123abcd", "docker.io", "ubuntu", "", "sha256:0123abcd")]
    [InlineData("localhost:5000/x:1.0@sha256:0123abcd", "localhost:5000", "x", "1.0", "sha256:0123abcd")]
    [InlineData("MyRegistry/app:1", "MyRegistry", "app", "1", null)]
    [InlineData("  ubuntu:22.04  ", "docker.io", "ubuntu", "22.04", null)]
    public void Parse_SplitsRegistryRepositoryTagAndDigest(string image, string registry, string repository, string tag, string? digest)
    {
        Assert.Equal(new ImageReference(registry, repository, tag, digest), ImageReference.Parse(image));
    }

    [Theory]
    [InlineData("ubuntu:22.04", "ubuntu", "22.04")]
    [InlineData("localhost:5000/x", "localhost:5000/x", "latest")]
    [InlineData("127.0.0.1:5000/private/busybox:1.35", "127.0.0.1:5000/private/busybox", "1.35")]
    [InlineData("localhost:5000/x:1.0@sha256:0123abcd", "localhost:5000/x", "sha256:0123abcd")]
    public void FromImageAndPullTag_AreWhatThePullAsksFor(string image, string fromImage, string pullTag)
    {
        var reference = ImageReference.Parse(image);

        Assert.Equal(fromImage, reference.FromImage);
        Assert.Equal(pullTag, reference.PullTag);
    }

    [Fact]
    public void RegistryDisplay_NamesDockerHubInWords_AndOtherRegistriesByHost()
    {
        Assert.Equal("Docker Hub (docker.io)", ImageReference.Parse("ubuntu").RegistryDisplay);
        Assert.Equal("localhost:5000", ImageReference.Parse("localhost:5000/x").RegistryDisplay);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":")]
    [InlineData("@")]
    [InlineData("/:@/")]
    [InlineData("a:b:c/d@")]
    public void Parse_Nonsense_DoesNotThrow(string image)
    {
        Assert.NotNull(ImageReference.Parse(image));
    }
}
