using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Tests.Snapshots;

public sealed class CodeSnapshotTests : IDisposable
{
    private readonly TempTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void Scan_GitWorkTree_ListsTrackedAndUntrackedButNotIgnored()
    {
        tree.InitGit();
        tree.Write(".gitignore", "*.log\nbuild/\n");
        tree.Write("tracked.py");
        tree.Write("src/tracked.py");
        tree.Write("forced.log");
        tree.Git("add", "-f", "forced.log");
        tree.Commit();
        tree.Write("untracked.py");
        tree.Write("src/new/untracked.py");
        tree.Write("debug.log");
        tree.Write("build/out.bin");

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.True(snapshot.FromGit);
        Assert.Equal([".gitignore", "forced.log", "src/new/untracked.py", "src/tracked.py", "tracked.py", "untracked.py"], snapshot.Files);
    }

    [Fact]
    public void Scan_FolderWithoutGit_WalksHonouringGitignore()
    {
        tree.Write(".gitignore", "*.log\nbuild/\n");
        tree.Write("main.py");
        tree.Write("pkg/mod.py");
        tree.Write("pkg/debug.log");
        tree.Write("build/out.bin");

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.False(snapshot.FromGit);
        Assert.Equal([".gitignore", "main.py", "pkg/mod.py"], snapshot.Files);
    }

    [Fact]
    public void Scan_GitFolderGitCannotRead_WalksSkippingDotGitAndHonouringInfoExclude()
    {
        tree.Write(".git/HEAD", "not a repository\n");
        tree.Write(".git/info/exclude", "*.secret\n");
        tree.Write("main.py");
        tree.Write("api.secret");

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.False(snapshot.FromGit);
        Assert.Equal(["main.py"], snapshot.Files);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_Dstackignore_ExcludesMatchesAtAnyLevel(bool inGit)
    {
        Prepare(inGit);
        tree.Write(".dstackignore", "data/\n*.ckpt\n");
        tree.Write("models/.dstackignore", "large/\n");
        tree.Write("main.py");
        tree.Write("data/train.csv");
        tree.Write("model.ckpt");
        tree.Write("models/large/weights.bin");
        tree.Write("models/small/weights.bin");
        CommitIf(inGit);

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.Equal(inGit, snapshot.FromGit);
        Assert.Equal([".dstackignore", "main.py", "models/.dstackignore", "models/small/weights.bin"], snapshot.Files);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_NestedGitignore_AppliesToItsSubtreeOnly(bool inGit)
    {
        Prepare(inGit);
        tree.Write("a/.gitignore", "*.tmp\n/only-here.txt\n");
        tree.Write("a/x.tmp");
        tree.Write("a/deep/y.tmp");
        tree.Write("a/only-here.txt");
        tree.Write("a/deep/only-here.txt");
        tree.Write("b/x.tmp");
        tree.Write("only-here.txt");

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.Equal(["a/.gitignore", "a/deep/only-here.txt", "b/x.tmp", "only-here.txt"], snapshot.Files);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_NegationAndDoubleStar_FollowGitignoreSyntax(bool inGit)
    {
        Prepare(inGit);
        tree.Write(".gitignore", "*.csv\n!keep.csv\n**/cache/\nnotes/**/draft.md\nout/\n!out/kept.txt\n");
        tree.Write("a.csv");
        tree.Write("keep.csv");
        tree.Write("sub/keep.csv");
        tree.Write("cache/x.bin");
        tree.Write("a/b/cache/x.bin");
        tree.Write("a/b/cache.txt");
        tree.Write("notes/draft.md");
        tree.Write("notes/2024/may/draft.md");
        tree.Write("notes/final.md");
        tree.Write("out/kept.txt");

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.Equal([".gitignore", "a/b/cache.txt", "keep.csv", "notes/final.md", "sub/keep.csv"], snapshot.Files);
    }

    [Fact]
    public void Scan_SubfolderOfWorkTree_ListsOnlyItsSubtreeWithTheTopGitignore()
    {
        tree.InitGit();
        tree.Write(".gitignore", "*.log\n");
        tree.Write("top.py");
        tree.Write("app/main.py");
        tree.Write("app/lib/util.py");
        tree.Write("app/run.log");
        tree.Write("other/x.py");
        tree.Commit();

        var snapshot = CodeSnapshot.Scan(tree.Path("app"));

        Assert.True(snapshot.FromGit);
        Assert.Equal(tree.Path("app"), snapshot.Root);
        Assert.Equal(["lib/util.py", "main.py"], snapshot.Files);
    }

    [Fact]
    public void Scan_DeletedTrackedFile_IsSkipped()
    {
        tree.InitGit();
        tree.Write("kept.py");
        tree.Write("gone.py");
        tree.Commit();
        File.Delete(tree.Path("gone.py"));

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.Equal(["kept.py"], snapshot.Files);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_OddNames_ListedExactly(bool inGit)
    {
        Prepare(inGit);
        string[] names = ["a file with spaces.txt", "dir with space/inner file.py", "ünïcødé/日本語.md", "#hash.txt", "-dash.txt", "quote'\"s.txt", "tab\there.txt", "back\\slash.txt"];
        foreach (var name in names)
        {
            tree.Write(name);
        }

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.Equal(names.Order(StringComparer.Ordinal), snapshot.Files);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_LinkToFolder_ListedAsOneEntryNotFollowed(bool inGit)
    {
        Prepare(inGit);
        tree.Write("real/a.py");
        tree.Link("alias", "real");
        tree.Link("outside", "/usr");

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.Equal(["alias", "outside", "real/a.py"], snapshot.Files);
    }

    [Fact]
    public void Scan_Sizes_AddUpToTotalBytes()
    {
        tree.Write("a.txt", new string('a', 1000));
        tree.Write("b/c.txt", new string('c', 234));
        tree.Link("l", "a.txt");

        var snapshot = CodeSnapshot.Scan(tree.Root);

        Assert.Equal(1000 + 234 + "a.txt".Length, snapshot.TotalBytes);
    }

    [Fact]
    public void Scan_MissingFolder_ThrowsNamingThePath()
    {
        var missing = tree.Path("nope");

        var error = Assert.Throws<SnapshotException>(() => CodeSnapshot.Scan(missing));

        Assert.Equal(missing, error.Path);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal("DSTK3007", error.Code);
    }

    [Fact]
    public void ContentHash_SameFilesElsewhere_IsEqual_AndChangesWithContentNameOrMode()
    {
        tree.Write("one/a.py", "print(1)\n");
        tree.Write("one/b/c.sh", "echo\n");
        tree.Write("two/a.py", "print(1)\n");
        tree.Write("two/b/c.sh", "echo\n");
        var first = CodeSnapshot.Scan(tree.Path("one")).ContentHash();

        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Equal(first, CodeSnapshot.Scan(tree.Path("two")).ContentHash());

        tree.MakeExecutable("two/b/c.sh");
        var executable = CodeSnapshot.Scan(tree.Path("two")).ContentHash();
        tree.Write("two/a.py", "print(2)\n");
        var edited = CodeSnapshot.Scan(tree.Path("two")).ContentHash();
        File.Move(tree.Path("two/a.py"), tree.Path("two/z.py"));
        var renamed = CodeSnapshot.Scan(tree.Path("two")).ContentHash();

        Assert.Equal(4, new[] { first, executable, edited, renamed }.Distinct().Count());
    }

    private void Prepare(bool inGit)
    {
        if (inGit)
        {
            tree.InitGit();
        }
    }

    private void CommitIf(bool inGit)
    {
        if (inGit)
        {
            tree.Commit();
        }
    }
}
