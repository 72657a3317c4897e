using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Snapshots;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Hosts;

/// <summary>
/// Bringing a path back from a job on another machine, through a real sshd on 127.0.0.1 (the "host" is this machine,
/// so the job's folder is the login user's <c>~/.dstack-runs/...</c> here): the code goes up, a path comes back.
/// </summary>
public sealed class RemoteHostDownloadTests : IDisposable
{
    private readonly LoopbackSshd _sshd = new();
    private readonly TempTree _tree = new();
    private readonly RemoteHost _host;
    private readonly string _jobFolder;

    public RemoteHostDownloadTests()
    {
        var home = new DstackHome(_sshd.DstackHome);
        var run = new RunRecord(Random.Shared.NextInt64(1, long.MaxValue), "fetch", RunStatus.Running, "/p/.dstack.yml", "/p", "{}", DateTimeOffset.UtcNow, null, null, null, null, StopRequest.None, 1);
        var spec = new RunSpec { RunName = "fetch", Type = "task", ConfigurationPath = "/p/.dstack.yml", RepoRoot = "/p", Script = "true" };
        var offer = new Offer(SshBackend.BackendName, SshBackend.Region, "lo", new MachineResources(1, default, default, []), false, 0m);
        _host = new RemoteHost(_sshd.Host(), new Instance(offer, "lo", "127.0.0.1"), HostContext.Outside(home, run, spec));
        _jobFolder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dstack-runs", RemoteJobFolder.For(home, run, 0).RunFolder, "job-0");
    }

    public void Dispose()
    {
        _host.Dispose();
        if (Directory.Exists(Path.GetDirectoryName(_jobFolder)))
        {
            Directory.Delete(Path.GetDirectoryName(_jobFolder)!, recursive: true);
        }

        _sshd.Dispose();
        _tree.Dispose();
    }

    [Fact]
    public async Task Download_AfterTheUpload_BringsTheFolderBack_WithoutSpecialFiles()
    {
        _tree.Write("src/train.py", "print('train')\n");
        _tree.Write("src/out/model.bin", "weights");
        _tree.Write("src/out/logs/epoch1.log", "loss 0.1");
        await _host.PrepareCodeAsync(CodeSnapshot.Scan(_tree.Path("src")), 0, null, CancellationToken.None);
        // What the job wrote there while it ran, a socket among it.
        File.CreateSymbolicLink(Path.Combine(_jobFolder, "code", "out", "latest"), "model.bin");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(_jobFolder, "code", "out", "socket")));

        await _host.DownloadAsync(0, "out", _tree.Path("artifacts"), CancellationToken.None);

        Assert.Equal("weights", File.ReadAllText(_tree.Path("artifacts/out/model.bin")));
        Assert.Equal("loss 0.1", File.ReadAllText(_tree.Path("artifacts/out/logs/epoch1.log")));
        Assert.Equal("model.bin", new FileInfo(_tree.Path("artifacts/out/latest")).LinkTarget);
        Assert.False(File.Exists(_tree.Path("artifacts/out/socket")));
        Assert.False(File.Exists(_tree.Path("artifacts/train.py")));
    }

    [Fact]
    public async Task Download_MissingPath_NamesThePathTheHostAndTarsWords()
    {
        _tree.Write("src/train.py", "print('train')\n");
        await _host.PrepareCodeAsync(CodeSnapshot.Scan(_tree.Path("src")), 0, null, CancellationToken.None);

        var missing = await Assert.ThrowsAsync<JobCodeException>(() => _host.DownloadAsync(0, "no-such-dir", _tree.Path("artifacts"), CancellationToken.None));
        var escape = await Assert.ThrowsAsync<JobCodeException>(() => _host.DownloadAsync(0, "out/../../..", _tree.Path("artifacts"), CancellationToken.None));

        Assert.StartsWith("no-such-dir could not be copied from lo (job 0): ", missing.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-dir", missing.Message["no-such-dir could not be copied".Length..], StringComparison.Ordinal);
        Assert.Contains("leaves the job's code folder", escape.Message, StringComparison.Ordinal);
    }
}
