using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Tests.Snapshots;

/// <summary>
/// Real FIFOs (mkfifo) and unix sockets in a real code folder, in and out of git: never opened (a FIFO would block
/// the copy for good), never listed or copied, and named apart so the run's log can list them.
/// </summary>
public sealed class SpecialFilesTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempTree tree = new();
    private readonly TempTree output = new();
    private readonly List<IDisposable> sockets = [];

    public void Dispose()
    {
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        tree.Dispose();
        output.Dispose();
    }

    private string Code => tree.Path("code");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ScanCopyAndHash_FifoAndSocketInTheFolder_CompleteWithoutThem(bool inGit)
    {
        var fifo = AddSpecialFiles(inGit);
        var target = output.Path("copy");

        var work = Task.Run(() =>
        {
            var snapshot = CodeSnapshot.Scan(Code);
            var hash = snapshot.ContentHash();
            return (snapshot, hash, snapshot.CopyTo(target));
        });
        try
        {
            var (snapshot, hash, result) = await work.WaitAsync(Bound);

            Assert.Equal(["main.py", "pkg/mod.py"], snapshot.Files.Where(f => f != ".gitignore"));
            Assert.Equal(["main.py", "pkg/mod.py"], TempTree.FilesIn(target).Where(f => f != ".gitignore"));
            Assert.Empty(result.Skipped);
            Assert.Equal(64, hash.Length);
        }
        finally
        {
            if (!work.IsCompleted)
            {
                // The copy is stuck reading the FIFO: let it go, so the test process is not left with a blocked thread.
                TempTree.ReleaseFifoReader(fifo);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scan_FifoAndSocket_AreNamedAsSpecialFiles(bool inGit)
    {
        AddSpecialFiles(inGit);

        var snapshot = CodeSnapshot.Scan(Code);

        Assert.Equal([new SpecialFile("pipe", "FIFO"), new SpecialFile("sock", "socket")], snapshot.SpecialFiles);
        Assert.StartsWith("skipped 2 special files: pipe (FIFO), sock (socket)", SpecialFile.Describe(snapshot.SpecialFiles), StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_SpecialFilesInSubfoldersOrIgnored_AreNamedOnlyWhenTheyWouldHaveBeenCopied()
    {
        tree.Write("code/main.py");
        tree.Write("code/.gitignore", "*.ignored\n");
        tree.MakeFifo("code/deep/er/pipe");
        tree.MakeFifo("code/pipe.ignored");

        var listing = WorkTreeListing.Read(Code);

        Assert.Equal([".gitignore", "main.py"], listing.Files);
        Assert.Equal([new SpecialFile("deep/er/pipe", "FIFO")], listing.SpecialFiles);
    }

    [Fact]
    public void Scan_UntrackedFifoInGit_IsNeitherListedNorOpened()
    {
        // git itself never lists an untracked FIFO or socket, so there is nothing to name: as git does.
        tree.InitGit("code");
        tree.Write("code/main.py");
        tree.MakeFifo("code/pipe");

        var snapshot = CodeSnapshot.Scan(Code);

        Assert.True(snapshot.FromGit);
        Assert.Equal(["main.py"], snapshot.Files);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Scan_DstackHomeInsideTheFolder_IsLeftOut(bool inGit, bool homeThroughLink)
    {
        if (inGit)
        {
            tree.InitGit("code");
        }

        tree.Write("code/main.py");
        tree.Write("code/.dstack-home/state.db", "database");
        tree.Write("code/.dstack-home/runs/other/logs/job-0.log", "other run");
        var home = tree.Path("code/.dstack-home");
        if (homeThroughLink)
        {
            // $DSTACK_HOME=~/.dstack, a link into the code folder.
            home = tree.Path("home-link");
            File.CreateSymbolicLink(home, tree.Path("code/.dstack-home"));
        }

        var snapshot = CodeSnapshot.Scan(Code, home);

        Assert.Equal(["main.py"], snapshot.Files);
        Assert.Equal(".dstack-home", snapshot.LeftOut);
    }

    [Fact]
    public void Scan_CodeFolderThroughALinkAndDstackHomeInsideIt_IsLeftOut()
    {
        tree.Write("real/main.py");
        tree.Write("real/home/state.db");
        File.CreateSymbolicLink(tree.Path("code"), tree.Path("real"));

        var snapshot = CodeSnapshot.Scan(Code, tree.Path("real/home"));

        Assert.Equal(["main.py"], snapshot.Files);
        Assert.Equal("home", snapshot.LeftOut);
    }

    [Fact]
    public void Scan_DstackHomeElsewhere_LeavesNothingOut()
    {
        tree.Write("code/main.py");
        tree.Write("code/home/state.db");

        var snapshot = CodeSnapshot.Scan(Code, output.Path("home"));

        Assert.Equal(["home/state.db", "main.py"], snapshot.Files);
        Assert.Null(snapshot.LeftOut);
    }

    /// <summary>main.py, pkg/mod.py, a FIFO "pipe" and a socket "sock"; in git, pipe and sock were committed as files first. Returns the FIFO's path.</summary>
    private string AddSpecialFiles(bool inGit)
    {
        tree.Write("code/main.py", "print('hi')\n");
        tree.Write("code/pkg/mod.py", "x = 1\n");
        if (inGit)
        {
            // git never lists an untracked FIFO; a tracked file that a FIFO or socket replaced since, it does.
            tree.InitGit("code");
            tree.Write("code/pipe", "was a file");
            tree.Write("code/sock", "was a file");
            tree.Commit("code");
            File.Delete(tree.Path("code/pipe"));
            File.Delete(tree.Path("code/sock"));
        }

        var fifo = tree.MakeFifo("code/pipe");
        sockets.Add(tree.BindSocket("code/sock"));
        return fifo;
    }
}
