using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Tests.Snapshots;

/// <summary>When the listing asks git at all: only where git could find a repository (it is a process start on every run's path).</summary>
[Trait("Category", "Fast")]
public sealed class WorkTreeListingGitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-gitprobe-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AFolderWithNoGitInItOrAbove_IsNotAskedAbout()
    {
        var nested = Directory.CreateDirectory(Path.Combine(_root, "a", "b")).FullName;

        Assert.False(WorkTreeListing.MayBeInGitRepository(nested));
    }

    [Fact]
    public void AGitFolderAbove_IsFound()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".git"));
        var nested = Directory.CreateDirectory(Path.Combine(_root, "a", "b")).FullName;

        Assert.True(WorkTreeListing.MayBeInGitRepository(nested));
    }

    [Fact]
    public void AGitFile_AsAWorktreeOrSubmoduleHasIt_IsFound()
    {
        File.WriteAllText(Path.Combine(_root, ".git"), "gitdir: /elsewhere/.git/worktrees/x\n");

        Assert.True(WorkTreeListing.MayBeInGitRepository(_root));
    }

    [Fact]
    public void OutsideARepository_TheWalkListsTheFiles_AndHonoursGitignore()
    {
        File.WriteAllText(Path.Combine(_root, "keep.txt"), "k");
        File.WriteAllText(Path.Combine(_root, "skip.log"), "s");
        File.WriteAllText(Path.Combine(_root, ".gitignore"), "*.log\n");

        var listing = WorkTreeListing.Read(_root);

        Assert.False(listing.FromGit);
        Assert.Equal([".gitignore", "keep.txt"], listing.Files);
    }
}
