using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Snapshots;

namespace Dstack.Runtime.Tests.Hosts;

/// <summary>Bringing a path back from a job on this machine: files, folders and links keep their place; special files and escapes do not.</summary>
[Trait("Category", "Fast")]
public sealed class LocalHostDownloadTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly LocalHost _host;
    private readonly string _code;

    public LocalHostDownloadTests()
    {
        var home = new DstackHome(_tree.Path("home"));
        var run = new RunRecord(1, "fetch", RunStatus.Running, "/p/.dstack.yml", "/p", "{}", DateTimeOffset.UtcNow, null, null, null, null, StopRequest.None, 1);
        var spec = new RunSpec { RunName = "fetch", Type = "task", ConfigurationPath = "/p/.dstack.yml", RepoRoot = "/p", Script = "true" };
        _host = new LocalHost(new Instance(LocalBackend.ThisMachine, "local-fetch-0", "127.0.0.1"), HostContext.Outside(home, run, spec));
        _code = Path.Combine(home.CodeFolder("fetch"), "job-0");
        Directory.CreateDirectory(_code);
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task Download_Folder_KeepsItsRelativePathFilesAndLinks_LeavesOutASocket()
    {
        Write("out/model.bin", "weights");
        Write("out/logs/train.log", "epoch 1");
        File.CreateSymbolicLink(Path.Combine(_code, "out", "latest"), "model.bin");
        using var socket = _tree.BindSocket(Path.GetRelativePath(_tree.Root, Path.Combine(_code, "out", "socket")));

        await _host.DownloadAsync(0, "out", _tree.Path("artifacts"), CancellationToken.None);

        Assert.Equal("weights", File.ReadAllText(_tree.Path("artifacts/out/model.bin")));
        Assert.Equal("epoch 1", File.ReadAllText(_tree.Path("artifacts/out/logs/train.log")));
        Assert.Equal("model.bin", new FileInfo(_tree.Path("artifacts/out/latest")).LinkTarget);
        Assert.False(File.Exists(_tree.Path("artifacts/out/socket")));
    }

    [Fact]
    public async Task Download_PathLeavingTheCodeFolder_IsRefused_AndMissingPathNamed()
    {
        var escape = await Assert.ThrowsAsync<JobCodeException>(() => _host.DownloadAsync(0, "../../secrets", _tree.Path("artifacts"), CancellationToken.None));
        var missing = await Assert.ThrowsAsync<JobCodeException>(() => _host.DownloadAsync(0, "nothing-here", _tree.Path("artifacts"), CancellationToken.None));

        Assert.Contains("leaves the job's code folder", escape.Message, StringComparison.Ordinal);
        Assert.Contains("nothing-here: no such file or folder", missing.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_tree.Path("artifacts")));
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_code, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
