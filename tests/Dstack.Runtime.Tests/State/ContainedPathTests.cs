using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.State;

[Trait("Category", "Fast")]
public sealed class ContainedPathTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-contained-" + Guid.NewGuid().ToString("N")[..12]);

    public ContainedPathTests()
    {
        Directory.CreateDirectory(Parent);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "precious.txt"), "precious");
    }

    private string Parent => Path.Combine(_root, "home", "runs");

    private string Outside => Path.Combine(_root, "outside");

    private string Precious => Path.Combine(Outside, "precious.txt");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("my-run")]
    [InlineData("a.b")]
    [InlineData("..x")]
    public void Child_PlainSegment_IsInsideTheParent(string name)
    {
        var child = ContainedPath.Child(Parent, name);

        Assert.Equal(Path.Combine(Parent, name), child);
        Assert.True(ContainedPath.IsInside(Parent, child));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("/etc")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("../..")]
    [InlineData("a\0b")]
    public void Child_NotOnePlainSegment_IsRefused(string name)
    {
        var error = Assert.Throws<UnsafePathException>(() => ContainedPath.Child(Parent, name));

        Assert.Contains($"`{name}` cannot name something inside {Parent}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../../outside")]
    [InlineData("x/../..")]
    public void IsInside_TheParentItselfOrAbove_IsFalse(string relative) =>
        Assert.False(ContainedPath.IsInside(Parent, Path.Join(Parent, relative)));

    [Fact]
    public void IsInside_SiblingWithTheParentsNameAsPrefix_IsFalse() =>
        Assert.False(ContainedPath.IsInside(Parent, Parent + "-other"));

    [Fact]
    public void Delete_ThePathsThatDeletedDstackHome_AreRefusedAndNothingIsDeleted()
    {
        foreach (var path in new[] { Path.Join(Parent, ".."), Path.Join(Parent, "."), Parent, Outside, Precious, Path.GetDirectoryName(_root)! })
        {
            Assert.Throws<UnsafePathException>(() => ContainedPath.Delete(Parent, path));
        }

        Assert.True(Directory.Exists(Parent));
        Assert.Equal("precious", File.ReadAllText(Precious));
    }

    [Fact]
    public void Delete_FolderBehindALinkedParentFolder_IsRefused()
    {
        // runs/escape -> outside: runs/escape/precious.txt is outside as far as the disk is concerned.
        Directory.CreateSymbolicLink(Path.Combine(Parent, "escape"), Outside);

        Assert.False(ContainedPath.IsInside(Parent, Path.Combine(Parent, "escape", "precious.txt")));
        Assert.Throws<UnsafePathException>(() => ContainedPath.Delete(Parent, Path.Combine(Parent, "escape", "precious.txt")));
        Assert.Equal("precious", File.ReadAllText(Precious));
    }

    [Fact]
    public void Delete_LinkInsideToAFolderOutside_RemovesTheLinkOnly()
    {
        var link = Path.Combine(Parent, "my-run");
        Directory.CreateSymbolicLink(link, Outside);

        ContainedPath.Delete(Parent, link);

        Assert.False(Path.Exists(link));
        Assert.Equal("precious", File.ReadAllText(Precious));
    }

    [Fact]
    public void Delete_FolderInside_IsDeletedWithItsContent()
    {
        var folder = Path.Combine(Parent, "my-run");
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        File.WriteAllText(Path.Combine(folder, "logs", "job-0.log"), "x");
        Directory.CreateSymbolicLink(Path.Combine(folder, "logs", "out"), Outside);

        ContainedPath.Delete(Parent, folder);

        Assert.False(Directory.Exists(folder));
        Assert.Equal("precious", File.ReadAllText(Precious));
    }

    [Fact]
    public void Delete_NothingThere_IsFine()
    {
        ContainedPath.Delete(Parent, Path.Combine(Parent, "never-created"));

        Assert.True(Directory.Exists(Parent));
    }

    [Fact]
    public void Delete_ParentReachedThroughALink_StillDeletesWhatIsInside()
    {
        var linkedHome = Path.Combine(_root, "linked-runs");
        Directory.CreateSymbolicLink(linkedHome, Parent);
        var folder = Path.Combine(linkedHome, "my-run");
        Directory.CreateDirectory(folder);

        ContainedPath.Delete(linkedHome, folder);

        Assert.False(Directory.Exists(Path.Combine(Parent, "my-run")));
    }
}
