using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.DevEnvironments;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>The IDE link of a dev environment: scheme per IDE, the SSH host alias, the folder percent-encoded per segment.</summary>
[Trait("Category", "Fast")]
public sealed class IdeLinkTests
{
    [Theory]
    [InlineData(IdeKind.VsCode, "vscode://vscode-remote/ssh-remote+quiet-fox-1/home/me/.dstack/runs/quiet-fox-1/code/job-0")]
    [InlineData(IdeKind.Cursor, "cursor://vscode-remote/ssh-remote+quiet-fox-1/home/me/.dstack/runs/quiet-fox-1/code/job-0")]
    public void For_PlainFolder_IsTheRemoteSshLinkOfTheIde(IdeKind ide, string expected) =>
        Assert.Equal(expected, IdeLink.For(ide, "quiet-fox-1", "/home/me/.dstack/runs/quiet-fox-1/code/job-0"));

    [Fact]
    public void For_FolderWithSpacesHashAndUnicode_IsPercentEncodedPerSegment()
    {
        var link = IdeLink.For(IdeKind.VsCode, "dev", "/work/my project/#1/é/");

        Assert.Equal("vscode://vscode-remote/ssh-remote+dev/work/my%20project/%231/%C3%A9", link);
        Assert.Equal("/work/my project/#1/é", Uri.UnescapeDataString(link["vscode://vscode-remote/ssh-remote+dev".Length..]));
    }

    [Fact]
    public void For_RootFolder_KeepsTheSlash() =>
        Assert.Equal("vscode://vscode-remote/ssh-remote+dev/", IdeLink.For(IdeKind.VsCode, "dev", "/"));

    [Fact]
    public void For_RelativeFolder_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => IdeLink.For(IdeKind.VsCode, "dev", "code/job-0"));
        Assert.Contains("code/job-0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vscode", IdeKind.VsCode)]
    [InlineData("cursor", IdeKind.Cursor)]
    [InlineData("emacs", null)]
    [InlineData(null, null)]
    public void Parse_NameOfTheConfiguration_GivesTheIde(string? name, IdeKind? expected)
    {
        Assert.Equal(expected, IdeLink.Parse(name));
        if (expected is { } ide)
        {
            Assert.Equal(name, IdeLink.NameOf(ide));
        }
    }
}
