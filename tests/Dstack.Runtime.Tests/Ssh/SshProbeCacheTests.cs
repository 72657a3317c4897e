using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>Probes kept for a short time, against a real sshd on 127.0.0.1 that is stopped between two probes.</summary>
public sealed class SshProbeCacheTests : IDisposable
{
    private readonly LoopbackSshd _sshd = new();

    private DstackHome Home => new(_sshd.DstackHome);

    public void Dispose() => _sshd.Dispose();

    [Fact]
    public void Probe_WithinMaxAge_IsServedFromTheCache_EvenAfterTheHostWentAway()
    {
        var first = SshProbeCache.Probe(Home, _sshd.Host());
        _sshd.Stop();

        var cached = SshProbeCache.Probe(Home, _sshd.Host(), TimeSpan.FromMinutes(5));
        var fresh = SshProbeCache.Probe(Home, _sshd.Host(), TimeSpan.Zero);

        Assert.True(first.Succeeded, first.Problem?.Message);
        Assert.True(cached.Succeeded);
        Assert.Equal((first.Resources!.Cpus, first.Resources.Memory, first.Resources.Disk, first.Resources.ToString()), (cached.Resources!.Cpus, cached.Resources.Memory, cached.Resources.Disk, cached.Resources.ToString()));
        Assert.False(fresh.Succeeded);
        Assert.Equal(DiagnosticCodes.HostUnreachable, fresh.Problem!.Code);
    }

    [Fact]
    public void Probe_AFailureIsKeptToo_AndAnotherAddressForTheSameNameIsProbedAgain()
    {
        var gone = new SshHost("lo", LoopbackSshd.User, "127.0.0.1", LoopbackSshd.FreePort(), _sshd.ClientKey);

        var failed = SshProbeCache.Probe(Home, gone);
        var again = SshProbeCache.Probe(Home, gone, TimeSpan.FromMinutes(5));
        var moved = SshProbeCache.Probe(Home, _sshd.Host("lo"), TimeSpan.FromMinutes(5));

        Assert.False(failed.Succeeded);
        Assert.Equal(failed.Problem!.Code, again.Problem!.Code);
        Assert.Equal(failed.Problem.Message, again.Problem.Message);
        Assert.True(moved.Succeeded, moved.Problem?.Message);
    }

    [Fact]
    public void Forget_DropsTheKeptProbe()
    {
        SshProbeCache.Probe(Home, _sshd.Host());
        _sshd.Stop();

        SshProbeCache.Forget(Home, _sshd.Host());

        Assert.False(SshProbeCache.Probe(Home, _sshd.Host(), TimeSpan.FromMinutes(5)).Succeeded);
    }
}
