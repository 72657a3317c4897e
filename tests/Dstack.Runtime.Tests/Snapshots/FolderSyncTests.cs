using System.Collections.Concurrent;
using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Tests.Snapshots;

public sealed class FolderSyncTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TempTree tree = new();
    private readonly ConcurrentQueue<FolderSyncChange> changes = new();
    private FolderSync? sync;

    public void Dispose()
    {
        sync?.Dispose();
        tree.Dispose();
    }

    private string Source => tree.Path("source");

    private string Target => tree.Path("target");

    private string InTarget(string relative) => Path.Combine(Target, relative);

    [Fact]
    public async Task NewFile_AppearsInTheTarget()
    {
        await StartAsync();

        tree.Write("source/new.py", "print('new')\n");

        await TempTree.EventuallyAsync(() => File.Exists(InTarget("new.py")), "new.py in the target");
        await TempTree.EventuallyAsync(() => File.ReadAllText(InTarget("new.py")) == "print('new')\n", "new.py's contents");
    }

    [Fact]
    public async Task EditedFile_IsReplacedWithoutTemporaryFilesLeftBehind()
    {
        tree.Write("source/app.py", "v1");
        await StartAsync();

        tree.Write("source/app.py", "version two");

        await TempTree.EventuallyAsync(() => File.ReadAllText(InTarget("app.py")) == "version two", "the edit in the target");
        await IdleAsync();
        Assert.Equal(["app.py"], TempTree.FilesIn(Target));
    }

    [Fact]
    public async Task DeletedFile_IsRemovedFromTheTarget()
    {
        tree.Write("source/old.py");
        tree.Write("source/stays.py");
        await StartAsync();

        File.Delete(tree.Path("source/old.py"));

        await TempTree.EventuallyAsync(() => !File.Exists(InTarget("old.py")), "old.py gone from the target");
        Assert.True(File.Exists(InTarget("stays.py")));
        Assert.Contains(changes, c => c is { Kind: FolderSyncChangeKind.Deleted, Path: "old.py" });
    }

    [Fact]
    public async Task RenamedFileAndFolder_MoveInTheTarget()
    {
        tree.Write("source/before.py", "b");
        tree.Write("source/pkg/mod.py", "m");
        await StartAsync();

        File.Move(tree.Path("source/before.py"), tree.Path("source/after.py"));
        Directory.Move(tree.Path("source/pkg"), tree.Path("source/lib"));

        await TempTree.EventuallyAsync(() => File.Exists(InTarget("after.py")) && File.Exists(InTarget("lib/mod.py")), "renamed entries in the target");
        await TempTree.EventuallyAsync(() => !File.Exists(InTarget("before.py")) && !Directory.Exists(InTarget("pkg")), "old names gone");
        Assert.Equal("m", File.ReadAllText(InTarget("lib/mod.py")));
    }

    [Fact]
    public async Task NewFolderFilledAtOnce_IsCopiedWhole()
    {
        await StartAsync();

        for (var i = 0; i < 20; i++)
        {
            tree.Write($"source/burst/sub{i % 3}/f{i}.py", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await TempTree.EventuallyAsync(() => Directory.Exists(InTarget("burst")) && TempTree.FilesIn(InTarget("burst")).Count == 20, "all 20 files of the new folder");
        Assert.Equal("19", File.ReadAllText(InTarget("burst/sub1/f19.py")));
    }

    [Fact]
    public async Task IgnoredAndGitFiles_AreNotSynced()
    {
        tree.InitGit("source");
        tree.Write("source/.gitignore", "*.log\nnode_modules/\n");
        tree.Write("source/.dstackignore", "*.ckpt\n");
        await StartAsync();

        tree.Write("source/debug.log");
        tree.Write("source/node_modules/pkg/index.js");
        tree.Write("source/model.ckpt");
        tree.Write("source/.git/scratch");
        tree.Write("source/sentinel.py");

        await TempTree.EventuallyAsync(() => File.Exists(InTarget("sentinel.py")), "the file written after the ignored ones");
        await IdleAsync();
        Assert.Equal([".dstackignore", ".gitignore", "sentinel.py"], TempTree.FilesIn(Target));
    }

    [Fact]
    public async Task GitignoreEdit_RemovesNewlyIgnoredFilesAndAddsNewlyKeptOnes()
    {
        tree.Write("source/.gitignore", "*.tmp\n");
        tree.Write("source/data.csv");
        tree.Write("source/scratch.tmp");
        await StartAsync();
        Assert.Equal([".gitignore", "data.csv"], TempTree.FilesIn(Target));

        tree.Write("source/.gitignore", "*.csv\n");

        await TempTree.EventuallyAsync(() => File.Exists(InTarget("scratch.tmp")) && !File.Exists(InTarget("data.csv")), "the new rules applied");
    }

    [Fact]
    public async Task ExecutableBitAndLinks_AreMirrored()
    {
        await StartAsync();

        tree.Write("source/run.sh", "#!/bin/sh\n");
        tree.MakeExecutable("source/run.sh");
        tree.Link("source/latest", "run.sh");

        await TempTree.EventuallyAsync(() => new FileInfo(InTarget("latest")).LinkTarget == "run.sh", "the link in the target");
        await TempTree.EventuallyAsync(() => File.Exists(InTarget("run.sh")) && TempTree.ModeOf(InTarget("run.sh")).HasFlag(UnixFileMode.UserExecute), "the executable bit");
    }

    [Fact]
    public async Task Start_SourceChangedAfterTheCopy_FirstRescanCopiesOnlyTheDifferences()
    {
        tree.Write("source/a.py", "a");
        tree.Write("source/gone.py");
        CodeSnapshot.Scan(Source).CopyTo(Target);
        tree.Write("source/b.py", "b");
        File.Delete(InTarget("a.py"));

        await StartAsync();

        Assert.Equal(["a.py", "b.py", "gone.py"], TempTree.FilesIn(Target));
        Assert.Contains(changes, c => c.Kind == FolderSyncChangeKind.Rescanned);

        // The unchanged file has the same size, time and mode as its copy: not copied again.
        Assert.Equal(["a.py", "b.py"], changes.Where(c => c.Kind == FolderSyncChangeKind.Copied).Select(c => c.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Overflow_RescanRestoresWhatTheTargetLost()
    {
        tree.Write("source/a.py", "a");
        tree.Write("source/pkg/b.py", "b");
        await StartAsync();
        File.Delete(InTarget("pkg/b.py"));
        File.WriteAllText(InTarget("a.py"), "corrupted");
        var jobOutput = tree.Write("target/outputs/result.txt", "made by the job");

        sync!.SimulateOverflow();

        await TempTree.EventuallyAsync(() => File.Exists(InTarget("pkg/b.py")) && File.ReadAllText(InTarget("a.py")) == "a", "the rescan's repairs");
        Assert.True(File.Exists(jobOutput));
    }

    [Fact]
    public async Task Dispose_StopsTheThreadAndFurtherChangesAreNotSynced()
    {
        await StartAsync();
        var running = sync!;

        running.Dispose();
        tree.Write("source/late.py");
        await Task.Delay(400);

        Assert.False(running.IsRunning);
        Assert.False(File.Exists(InTarget("late.py")));
        Assert.True(running.WhenIdleAsync().IsCompleted);
    }

    [Fact]
    public void Start_MissingSource_ThrowsNamingIt()
    {
        var error = Assert.Throws<SnapshotException>(() => FolderSync.Start(tree.Path("missing"), Target));

        Assert.Equal(tree.Path("missing"), error.Path);
    }

    [Fact]
    public async Task ObserverThatThrows_DoesNotStopSyncing()
    {
        Directory.CreateDirectory(Source);
        sync = FolderSync.Start(Source, Target, _ => throw new InvalidOperationException("observer bug"));
        await sync.WhenIdleAsync().WaitAsync(Bound);

        tree.Write("source/one.py");
        tree.Write("source/two.py");

        await TempTree.EventuallyAsync(() => File.Exists(InTarget("one.py")) && File.Exists(InTarget("two.py")), "both files despite the observer");
        Assert.True(sync.SyncedCount >= 2);
    }

    private async Task StartAsync()
    {
        Directory.CreateDirectory(Source);
        sync = FolderSync.Start(Source, Target, changes.Enqueue);
        await IdleAsync();
    }

    private Task IdleAsync() => sync!.WhenIdleAsync().WaitAsync(Bound);
}
