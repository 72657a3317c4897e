using Dstack.Runtime.Pipelines;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Pipelines;

[Trait("Category", "Fast")]
public sealed class WorkflowCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wfcache-" + Guid.NewGuid().ToString("N")[..8]);

    private string Work => Path.Combine(_root, "work");

    private WorkflowCache Cache => new(Path.Combine(_root, "cache"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Restore_NothingSaved_IsFalse_AndTouchesNothing()
    {
        Assert.False(Cache.Restore(Path.Combine(_root, "target"), out var transfer));
        Assert.Equal(0, transfer.Copied);
        Assert.False(Directory.Exists(Path.Combine(_root, "target")));
    }

    [Fact]
    public void SaveThenRestore_GivesTheSameTree_FilesLinksAndFolders()
    {
        Write("a.txt", "alpha");
        Write("deep/b/c.bin", new string('x', 5000));
        File.CreateSymbolicLink(Path.Combine(Work, "link"), "a.txt");

        var saved = Cache.Save(Work);
        var target = Path.Combine(_root, "target");
        Assert.True(Cache.Restore(target, out var restored));

        Assert.Equal(2, saved.Copied);
        Assert.Equal(2, restored.Copied);
        Assert.Equal("alpha", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Equal(new string('x', 5000), File.ReadAllText(Path.Combine(target, "deep/b/c.bin")));
        Assert.Equal("a.txt", new FileInfo(Path.Combine(target, "link")).LinkTarget);
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(Work, "a.txt")), File.GetLastWriteTimeUtc(Path.Combine(target, "a.txt")));
    }

    [Fact]
    public void Save_Unchanged_LinksEveryFile_CopiesNothing_AndChangedFilesAreCopied()
    {
        Write("a.txt", "alpha");
        Write("b.txt", "beta");
        Cache.Save(Work);

        var unchanged = Cache.Save(Work);
        Write("b.txt", "beta, changed");
        var changed = Cache.Save(Work);

        Assert.Equal((0, 2), (unchanged.Copied, unchanged.Linked));
        Assert.Equal((1, 1), (changed.Copied, changed.Linked));
        Assert.True(Cache.Restore(Path.Combine(_root, "t"), out _));
        Assert.Equal("beta, changed", File.ReadAllText(Path.Combine(_root, "t", "b.txt")));
    }

    [Fact]
    public void Restore_FilesAlreadyInPlace_AreNotCopiedAgain_ExtraFilesAreKept()
    {
        Write("a.txt", "alpha");
        Cache.Save(Work);
        var target = Path.Combine(_root, "target");
        Cache.Restore(target, out _);
        File.WriteAllText(Path.Combine(target, "mine.txt"), "kept");

        Assert.True(Cache.Restore(target, out var again));

        Assert.Equal((0, 1), (again.Copied, again.Unchanged));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(target, "mine.txt")));
    }

    [Fact]
    public void Save_KeepsTwoGenerations_AndTheCurrentLinkNamesTheNewest()
    {
        for (var i = 0; i < 4; i++)
        {
            Write("n.txt", $"run {i}");
            File.SetLastWriteTimeUtc(Path.Combine(Work, "n.txt"), DateTime.UtcNow.AddSeconds(i));
            Cache.Save(Work);
        }

        var root = Path.Combine(_root, "cache");
        Assert.Equal(2, Directory.GetDirectories(root, "gen-*").Length);
        Assert.Equal("run 3", File.ReadAllText(Path.Combine(Cache.Current!, "n.txt")));
        Assert.Empty(Directory.GetFileSystemEntries(root, "current.gen-*"));
    }

    [Fact]
    public void Save_Overlapping_EachSeesAWholeGeneration_TheLastWriterWins()
    {
        var one = Path.Combine(_root, "one");
        var two = Path.Combine(_root, "two");
        for (var i = 0; i < 50; i++)
        {
            Directory.CreateDirectory(one);
            Directory.CreateDirectory(two);
            File.WriteAllText(Path.Combine(one, $"f{i}.txt"), "one");
            // Another size: a file of the same size and time as the other save's is taken as unchanged (the quick
            // check rsync makes too), and the kernel's file times are coarse (a few ms), so writes in a loop share one.
            File.WriteAllText(Path.Combine(two, $"f{i}.txt"), "two!");
        }

        // Rounds of four saves at once: a save's cleanup must never take another's new link or its current generation.
        for (var round = 0; round < 5; round++)
        {
            Parallel.Invoke(() => Cache.Save(one), () => Cache.Save(two), () => Cache.Save(one), () => Cache.Save(two));

            var contents = Directory.GetFiles(Cache.Current!).Select(File.ReadAllText).Distinct().ToList();
            Assert.Single(contents);
            Assert.Equal(50, Directory.GetFiles(Cache.Current!).Length);
        }
    }

    [Fact]
    public void Save_RemovesWhatAKilledSaveLeft_ButNotAFreshSwapLink()
    {
        Write("a.txt", "alpha");
        Cache.Save(Work);
        var root = Path.Combine(_root, "cache");
        var stale = Path.Combine(root, $"current.gen-{DateTime.UtcNow.AddMinutes(-5):yyyyMMddHHmmssfffffff}-dead0001");
        var fresh = Path.Combine(root, $"current.gen-{DateTime.UtcNow:yyyyMMddHHmmssfffffff}-live0001");
        File.CreateSymbolicLink(stale, "gen-gone");
        File.CreateSymbolicLink(fresh, "gen-gone");

        Cache.Save(Work);

        Assert.False(File.Exists(stale) || new FileInfo(stale).LinkTarget is not null);
        Assert.NotNull(new FileInfo(fresh).LinkTarget);
        Assert.Equal("alpha", File.ReadAllText(Path.Combine(Cache.Current!, "a.txt")));
    }

    [Fact]
    public void Delete_CountsLinkedFilesOnce_AndRemovesTheFolder()
    {
        Write("a.bin", new string('a', 1000));
        Cache.Save(Work);
        Cache.Save(Work);

        Assert.Equal(1000, Cache.Delete());
        Assert.False(Directory.Exists(Path.Combine(_root, "cache")));
        Assert.Equal(0, Cache.Delete());
    }

    [Fact]
    public void For_KeyDependsOnRepoWorkflowAndPath()
    {
        var home = new DstackHome(_root);
        var a = WorkflowCache.For(home, "/repo", "train", "~/.cache/pip").Root;

        Assert.Equal(a, WorkflowCache.For(home, "/repo/", "train", "~/.cache/pip/").Root);
        Assert.NotEqual(a, WorkflowCache.For(home, "/other", "train", "~/.cache/pip").Root);
        Assert.NotEqual(a, WorkflowCache.For(home, "/repo", "test", "~/.cache/pip").Root);
        Assert.NotEqual(a, WorkflowCache.For(home, "/repo", "train", "data").Root);
        Assert.StartsWith(Path.Combine(_root, "cache", "workflows"), a, StringComparison.Ordinal);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(Work, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
