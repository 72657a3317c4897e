using System.Diagnostics;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>The controller's connection to a real sshd on 127.0.0.1.</summary>
public sealed class SshConnectionTests : IDisposable
{
    private readonly LoopbackSshd _sshd = new();

    private DstackHome Home => new(_sshd.DstackHome);

    public void Dispose() => _sshd.Dispose();

    [Fact]
    public void Dispose_MasterItStarted_RemovesTheControlSocketSoTheNextConnectionStartsItsOwnAtOnce()
    {
        using (var first = new SshConnection(Home, _sshd.Host()))
        {
            Assert.Null(first.EnsureMaster());
            Assert.Single(Directory.GetFiles(Home.SshFolder, "cm-*"));
        }

        // A killed master would leave its socket, and the next one would wait 20 s and call the host unreachable.
        Assert.Empty(Directory.GetFiles(Home.SshFolder, "cm-*"));
        using var second = new SshConnection(Home, _sshd.Host());
        var clock = Stopwatch.StartNew();
        Assert.Null(second.EnsureMaster());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the second master took {clock.Elapsed}");
    }
}
