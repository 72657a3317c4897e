using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Tests.Snapshots;

public sealed class CodeSnapshotCopyTests : IDisposable
{
    private readonly TempTree tree = new();

    public void Dispose() => tree.Dispose();

    private string Source => tree.Path("source");

    private string Target => tree.Path("runs/run-1/code");

    [Fact]
    public void CopyTo_Tree_CopiesListedFilesWithContentAndFolders()
    {
        tree.Write("source/.gitignore", "*.log\n");
        tree.Write("source/main.py", "print('hi')\n");
        tree.Write("source/pkg/deep/mod.py", "x = 1\n");
        tree.Write("source/pkg/run.log", "noise");
        tree.Write("source/empty.txt", "");
        var snapshot = CodeSnapshot.Scan(Source);

        var result = snapshot.CopyTo(Target);

        Assert.Equal([".gitignore", "empty.txt", "main.py", "pkg/deep/mod.py"], TempTree.FilesIn(Target));
        Assert.Equal("x = 1\n", File.ReadAllText(Path.Combine(Target, "pkg/deep/mod.py")));
        Assert.Equal(4, result.FilesCopied);
        Assert.Equal(snapshot.TotalBytes, result.BytesCopied);
        Assert.Empty(result.Skipped);
        Assert.Equal(Target, result.Target);
    }

    [Fact]
    public void CopyTo_ExecutableFile_KeepsTheExecutableBitAndModificationTime()
    {
        tree.Write("source/run.sh", "#!/bin/sh\necho hi\n");
        tree.Write("source/data.txt");
        tree.MakeExecutable("source/run.sh");
        var modified = new DateTime(2020, 5, 17, 10, 30, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(tree.Path("source/data.txt"), modified);

        CodeSnapshot.Scan(Source).CopyTo(Target);

        Assert.True(TempTree.ModeOf(Path.Combine(Target, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(TempTree.ModeOf(tree.Path("source/run.sh")), TempTree.ModeOf(Path.Combine(Target, "run.sh")));
        Assert.False(TempTree.ModeOf(Path.Combine(Target, "data.txt")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(Path.Combine(Target, "data.txt")));
    }

    [Fact]
    public void CopyTo_SymbolicLinks_StayLinksWithTheSameTargetText()
    {
        tree.Write("source/real/a.py", "a");
        tree.Link("source/relative.py", "real/a.py");
        tree.Link("source/folder", "real");
        tree.Link("source/outside", "/etc/hostname");
        tree.Link("source/broken", "does/not/exist");

        CodeSnapshot.Scan(Source).CopyTo(Target);

        Assert.Equal("real/a.py", new FileInfo(Path.Combine(Target, "relative.py")).LinkTarget);
        Assert.Equal("real", new FileInfo(Path.Combine(Target, "folder")).LinkTarget);
        Assert.Equal("/etc/hostname", new FileInfo(Path.Combine(Target, "outside")).LinkTarget);
        Assert.Equal("does/not/exist", new FileInfo(Path.Combine(Target, "broken")).LinkTarget);
        Assert.Equal("a", File.ReadAllText(Path.Combine(Target, "relative.py")));
        Assert.Null(new FileInfo(Path.Combine(Target, "real/a.py")).LinkTarget);
    }

    [Fact]
    public void CopyTo_FileVanishedAfterScan_IsSkippedAndReported()
    {
        tree.Write("source/kept.py");
        tree.Write("source/gone/soon.py");
        var snapshot = CodeSnapshot.Scan(Source);
        File.Delete(tree.Path("source/gone/soon.py"));

        var result = snapshot.CopyTo(Target);

        Assert.Equal(["gone/soon.py"], result.Skipped);
        Assert.Equal(1, result.FilesCopied);
        Assert.Equal(["kept.py"], TempTree.FilesIn(Target));
    }

    [Theory]
    [InlineData("../escaped.txt")]
    [InlineData("a/../../escaped.txt")]
    [InlineData("/tmp/escaped.txt")]
    public void CopyTo_EntryLeavingTheTarget_IsRefusedAndNothingIsWrittenOutside(string path)
    {
        tree.Write("source/escaped.txt");
        tree.Write("source/a/x.txt");
        var snapshot = new CodeSnapshot(Source, [new SnapshotEntry(path, 1, null)], fromGit: false);

        var error = Assert.Throws<SnapshotException>(() => snapshot.CopyTo(Target));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(tree.Path("runs/run-1/escaped.txt")));
        Assert.False(File.Exists(tree.Path("runs/escaped.txt")));
        Assert.False(File.Exists("/tmp/escaped.txt"));
    }

    [Fact]
    public void CopyTo_EntryBelowALinkEntry_IsSkippedNotWrittenThroughTheLink()
    {
        tree.Write("source/real/x.txt", "inside");
        var outside = tree.Path("elsewhere");
        Directory.CreateDirectory(outside);
        var snapshot = new CodeSnapshot(Source, [new SnapshotEntry("link", 9, outside), new SnapshotEntry("link/x.txt", 6, null)], fromGit: false);

        var result = snapshot.CopyTo(Target);

        Assert.Equal(["link/x.txt"], result.Skipped);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void CopyTo_TargetBelowAFile_ThrowsNamingTheFolderAndTheFix()
    {
        tree.Write("source/a.py");
        var blocker = tree.Write("blocker.txt");
        var target = Path.Combine(blocker, "code");

        var error = Assert.Throws<SnapshotException>(() => CodeSnapshot.Scan(Source).CopyTo(target));

        Assert.Equal(target, error.Path);
        Assert.Contains(target, error.Message, StringComparison.Ordinal);
        Assert.Contains("can be written", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyTo_TargetHoldingTheSource_IsRefused()
    {
        tree.Write("source/a.py");

        var error = Assert.Throws<SnapshotException>(() => CodeSnapshot.Scan(Source).CopyTo(tree.Root));

        Assert.Contains("pick a folder outside it", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(tree.Path("a.py")));
    }

    [Fact]
    public void CopyTo_ExistingTarget_ReplacesStaleEntriesWithoutWritingThroughLinks()
    {
        tree.Write("source/a.py", "new");
        var victim = tree.Write("victim.txt", "untouched");
        Directory.CreateDirectory(Target);
        File.CreateSymbolicLink(Path.Combine(Target, "a.py"), victim);

        CodeSnapshot.Scan(Source).CopyTo(Target);

        Assert.Equal("untouched", File.ReadAllText(victim));
        Assert.Null(new FileInfo(Path.Combine(Target, "a.py")).LinkTarget);
        Assert.Equal("new", File.ReadAllText(Path.Combine(Target, "a.py")));
    }

    [Fact]
    public void CopyTo_CancelledToken_Throws()
    {
        tree.Write("source/a.py");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => CodeSnapshot.Scan(Source).CopyTo(Target, cancelled.Token));
    }

    [Fact]
    public void CopyTo_GitWorkTree_CopiesOddNamesAndSkipsIgnoredAndDstackignored()
    {
        tree.InitGit("source");
        tree.Write("source/.gitignore", "*.pyc\n");
        tree.Write("source/.dstackignore", "datasets/\n");
        tree.Write("source/with space/ünï.py", "u");
        tree.Write("source/cache.pyc");
        tree.Write("source/datasets/big.bin");
        tree.Commit("source");

        var snapshot = CodeSnapshot.Scan(Source);
        snapshot.CopyTo(Target);

        Assert.True(snapshot.FromGit);
        Assert.Equal([".dstackignore", ".gitignore", "with space/ünï.py"], TempTree.FilesIn(Target));
        Assert.Equal("u", File.ReadAllText(Path.Combine(Target, "with space/ünï.py")));
        Assert.Equal(snapshot.ContentHash(), CodeSnapshot.Scan(Target).ContentHash());
    }
}
