using Dstack.LanguageServer.Documents;

namespace Dstack.LanguageServer.Tests.Documents;

[Trait("Category", "Fast")]
public sealed class DocumentUriTests
{
    [Theory]
    [InlineData("file:///home/me/project/train.dstack.yml")]
    [InlineData("file:///home/me/project/train.dstack.yaml")]
    [InlineData("file:///home/me/project/.dstack.yml")]
    [InlineData("file:///home/me/project/.dstack/profiles.yml")]
    [InlineData("file:///home/me/project/.dstack/workflows/build.yaml")]
    [InlineData("file:///home/me/my%20project/train.dstack.yml")]
    [InlineData("file:///c%3A/Users/me/train.dstack.yml")]
    [InlineData("untitled:/scratch/a.dstack.yml")]
    public void IsDstackFile_TheFilesTheCliChecks_AreOurs(string uri)
    {
        Assert.True(DocumentUri.IsDstackFile(uri));
    }

    [Theory]
    [InlineData("file:///home/me/project/train.yml")]
    [InlineData("file:///home/me/project/docker-compose.yaml")]
    [InlineData("file:///home/me/project/profiles.yml")]
    [InlineData("file:///home/me/project/workflows/build.yaml")]
    [InlineData("file:///home/me/project/.dstack/config.yml")]
    [InlineData("file:///home/me/project/train.dstack.yml.bak")]
    [InlineData("file:///home/me/project/README.md")]
    [InlineData("untitled:Untitled-1")]
    public void IsDstackFile_OtherFiles_AreIgnored(string uri)
    {
        Assert.False(DocumentUri.IsDstackFile(uri));
    }

    [Fact]
    public void LocalPath_FileUri_IsPercentDecoded()
    {
        Assert.Equal("/home/me/my project/.dstack/profiles.yml", DocumentUri.LocalPath("file:///home/me/my%20project/.dstack/profiles.yml"));
    }
}
