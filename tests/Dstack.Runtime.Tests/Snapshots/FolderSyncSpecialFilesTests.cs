using System.Collections.Concurrent;
using System.Net.Sockets;
using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Tests.Snapshots;

/// <summary>
/// The <c>--reload</c> sync with real FIFOs and unix sockets in the source, there at the start and made while it runs:
/// never opened (a FIFO would block the sync thread, and with it the end of the run), never copied, named once each;
/// and <c>$DSTACK_HOME</c> inside the source never synced.
/// </summary>
public sealed class FolderSyncSpecialFilesTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TempTree tree = new();
    private readonly ConcurrentQueue<FolderSyncChange> changes = new();
    private readonly List<Socket> sockets = [];
    private readonly List<string> fifos = [];
    private FolderSync? sync;
    private bool passed;

    public void Dispose()
    {
        // A sync stuck reading a FIFO (the bug) would never let Dispose return: let it go, as often as it gets stuck.
        var disposing = Task.Run(() => sync?.Dispose());
        for (var round = 0; !passed && round < 10 && !disposing.Wait(TimeSpan.FromSeconds(1)); round++)
        {
            foreach (var fifo in fifos)
            {
                TempTree.ReleaseFifoReader(fifo);
            }
        }

        disposing.Wait(TimeSpan.FromSeconds(10));
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        tree.Dispose();
    }

    private string Source => tree.Path("source");

    private string Target => tree.Path("target");

    [Fact]
    public async Task SpecialFiles_AtStartAndMadeWhileSyncing_AreSkippedOnceEachAndSyncingGoesOn()
    {
        tree.Write("source/main.py");
        fifos.Add(tree.MakeFifo("source/pipe"));
        sockets.Add(tree.BindSocket("source/sock"));
        sync = FolderSync.Start(Source, Target, changes.Enqueue);

        fifos.Add(tree.MakeFifo("source/later/pipe"));
        sockets.Add(tree.BindSocket("source/later.sock"));
        await Task.Delay(300);
        tree.Write("source/after.py", "after");

        await TempTree.EventuallyAsync(() => File.Exists(Path.Combine(Target, "after.py")), "after.py in the target, after the special files");
        await sync.WhenIdleAsync().WaitAsync(Bound);
        Assert.Equal(["after.py", "main.py"], TempTree.FilesIn(Target));
        var skipped = changes.Where(c => c.Kind == FolderSyncChangeKind.Skipped).Select(c => $"{c.Path} ({c.Message})").Order(StringComparer.Ordinal);
        Assert.Equal(["later.sock (socket)", "later/pipe (FIFO)", "pipe (FIFO)", "sock (socket)"], skipped);
        passed = true;
    }

    [Fact]
    public async Task FileReplacedByAFifo_IsRemovedFromTheTargetAndTheFifoNeverOpened()
    {
        tree.Write("source/data", "was a file");
        sync = FolderSync.Start(Source, Target, changes.Enqueue);
        await sync.WhenIdleAsync().WaitAsync(Bound);
        Assert.True(File.Exists(Path.Combine(Target, "data")));

        File.Delete(tree.Path("source/data"));
        fifos.Add(tree.MakeFifo("source/data"));

        await TempTree.EventuallyAsync(() => !File.Exists(Path.Combine(Target, "data")), "data gone from the target");
        await sync.WhenIdleAsync().WaitAsync(Bound);
        Assert.Contains(changes, c => c is { Kind: FolderSyncChangeKind.Skipped, Path: "data", Message: "FIFO" });
        passed = true;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DstackHomeInsideTheSource_IsNeverSynced(bool throughLink)
    {
        tree.Write("source/main.py");
        tree.Write("source/.dstack-home/state.db", "database");
        var home = tree.Path("source/.dstack-home");
        if (throughLink)
        {
            home = tree.Path("home-link");
            File.CreateSymbolicLink(home, tree.Path("source/.dstack-home"));
        }

        sync = FolderSync.Start(Source, Target, changes.Enqueue, home);
        await sync.WhenIdleAsync().WaitAsync(Bound);
        tree.Write("source/.dstack-home/runs/r/logs/job-0.log", "a log line");
        tree.Write("source/app.py", "app");

        await TempTree.EventuallyAsync(() => File.Exists(Path.Combine(Target, "app.py")), "app.py in the target");
        await sync.WhenIdleAsync().WaitAsync(Bound);
        Assert.Equal(["app.py", "main.py"], TempTree.FilesIn(Target));
        passed = true;
    }
}
