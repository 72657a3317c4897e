using Dstack.Runtime.Ssh;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Snapshots;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// The code upload to a real sshd on 127.0.0.1: the "host" is this machine, so the job's folder is the login user's
/// <c>~/.dstack-runs/...</c> here, read directly.
/// </summary>
public sealed class CodeUploadTests : IDisposable
{
    private readonly LoopbackSshd _sshd = new();
    private readonly TempTree _tree = new();
    private readonly SshConnection _connection;
    private readonly RemoteJobFolder _folder = new($"upload-test-{Guid.NewGuid():N}", 0);

    public CodeUploadTests()
    {
        _connection = new SshConnection(new DstackHome(_sshd.DstackHome), _sshd.Host());
    }

    private string JobFolder => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dstack-runs", _folder.RunFolder, "job-0");

    public void Dispose()
    {
        _connection.Run(_folder.RemoveCommand(), null, TimeSpan.FromSeconds(30));
        _connection.Dispose();
        _sshd.Dispose();
        _tree.Dispose();
    }

    [Fact]
    public async Task SendAsync_Tree_ArrivesWithContentModesAndTheLastProgressReportingEveryByte()
    {
        _tree.Write("src/main.py", "print('hi')\n");
        _tree.Write("src/pkg/deep/mod.py", "x = 1\n");
        _tree.Write("src/empty.txt", string.Empty);
        _tree.Write("src/run.sh", "#!/bin/sh\necho hi\n");
        _tree.MakeExecutable("src/run.sh");
        var big = new byte[3 * 1024 * 1024 + 17]; // more than one buffer of the pipe
        new Random(7).NextBytes(big);
        File.WriteAllBytes(_tree.Path("src/data.bin"), big);
        var snapshot = CodeSnapshot.Scan(_tree.Path("src"));
        var reports = new List<long>();

        await CodeUpload.SendAsync(_connection, _folder, snapshot, sent => { lock (reports) { reports.Add(sent); } });

        var code = Path.Combine(JobFolder, "code");
        Assert.Equal(["data.bin", "empty.txt", "main.py", "pkg/deep/mod.py", "run.sh"], TempTree.FilesIn(code));
        Assert.Equal(big, File.ReadAllBytes(Path.Combine(code, "data.bin")));
        Assert.Equal("x = 1\n", File.ReadAllText(Path.Combine(code, "pkg/deep/mod.py")));
        Assert.True(TempTree.ModeOf(Path.Combine(code, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.False(Directory.Exists(Path.Combine(JobFolder, "code.partial")));
        Assert.Equal(snapshot.TotalBytes, reports[^1]);
    }

    [Fact]
    public async Task SendAsync_Cancelled_ThrowsAndTheHostKeepsNothing()
    {
        _tree.Write("src/main.py", "print('hi')\n");
        var snapshot = CodeSnapshot.Scan(_tree.Path("src"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CodeUpload.SendAsync(_connection, _folder, snapshot, null, cancelled.Token));

        // The pipe was closed on an archive cut short: the host's tar fails and its partial folder is removed.
        await TempTree.EventuallyAsync(() => Directory.Exists(JobFolder) && !Directory.Exists(Path.Combine(JobFolder, "code.partial")), "the host to remove code.partial");
        Assert.False(Directory.Exists(Path.Combine(JobFolder, "code")));
    }

    [Fact]
    public async Task SendAsync_FileGoneAfterTheScan_SaysSoAndTheHostKeepsNoCode()
    {
        _tree.Write("src/a.py", "print('a')\n");
        _tree.Write("src/b.py", "print('b')\n");
        var snapshot = CodeSnapshot.Scan(_tree.Path("src"));
        File.Delete(_tree.Path("src/b.py"));

        var failure = await Assert.ThrowsAsync<CodeUploadException>(() => CodeUpload.SendAsync(_connection, _folder, snapshot));

        Assert.Contains("b.py disappeared", failure.Message, StringComparison.Ordinal);
        // Our side failed after a.py was sent: the host must not take what arrived for the code.
        await TempTree.EventuallyAsync(() => Directory.Exists(JobFolder) && !Directory.Exists(Path.Combine(JobFolder, "code.partial")), "the host to remove code.partial");
        Assert.False(Directory.Exists(Path.Combine(JobFolder, "code")), "the host kept a half-sent code folder");
    }

    [Fact]
    public async Task SendAsync_FifoAndSocketInTheFolder_UploadsTheRestWithoutThem()
    {
        _tree.Write("src/main.py", "print('hi')\n");
        _tree.MakeFifo("src/pipe");
        using var socket = _tree.BindSocket("src/sock");
        var snapshot = CodeSnapshot.Scan(_tree.Path("src"));

        await CodeUpload.SendAsync(_connection, _folder, snapshot).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(["main.py"], TempTree.FilesIn(Path.Combine(JobFolder, "code")));
    }

    [Fact]
    public async Task SendAsync_DstackHomeInsideTheFolder_IsNotUploaded()
    {
        _tree.Write("src/main.py", "print('hi')\n");
        _tree.Write("src/.dstack/state.db", "database");
        _tree.Write("src/.dstack/runs/other/logs/job-0.log", "another run's log");
        var snapshot = CodeSnapshot.Scan(_tree.Path("src"), _tree.Path("src/.dstack"));

        await CodeUpload.SendAsync(_connection, _folder, snapshot).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(["main.py"], TempTree.FilesIn(Path.Combine(JobFolder, "code")));
    }
}
