using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>Probes a real sshd on 127.0.0.1: this machine's own resources come back over SSH.</summary>
public sealed class SshHostProbeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly LoopbackSshd _sshd = new();

    private DstackHome Home => new(_sshd.DstackHome);

    private SshHost Host => new("lo", LoopbackSshd.User, "127.0.0.1", _sshd.Port, _sshd.ClientKey);

    [Fact]
    public void Probe_RealHost_ReadsTheCoresMemoryAndDiskOfThisMachine()
    {
        var local = LocalMachine.Detect(Path.GetTempPath());

        var probe = SshHostProbe.Probe(Home, Host, Timeout);

        Assert.True(probe.Succeeded, probe.Problem?.ToString());
        Assert.Equal(Environment.ProcessorCount, probe.Resources!.Cpus);
        Assert.Equal(local.Memory.Gigabytes, probe.Resources.Memory.Gigabytes, precision: 3);
        Assert.True(probe.Resources.Disk.Gigabytes > 0, probe.Resources.ToString());
        Assert.Equal(local.Gpus, probe.Resources.Gpus);
    }

    [Fact]
    public void Probe_FirstContact_RecordsTheHostKey()
    {
        var hostKey = File.ReadAllText(_sshd.HostKey + ".pub").Split(' ')[1];

        SshHostProbe.Probe(Home, Host, Timeout);

        var knownHosts = File.ReadAllText(Home.KnownHostsFile);
        Assert.Contains($"[127.0.0.1]:{_sshd.Port}", knownHosts, StringComparison.Ordinal);
        Assert.Contains(hostKey, knownHosts, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_HostKeyChanged_IsRefusedNamingTheHostAndTheFix()
    {
        Assert.True(SshHostProbe.Probe(Home, Host, Timeout).Succeeded);

        _sshd.RestartWithNewHostKey();
        var probe = SshHostProbe.Probe(Home, Host, Timeout);

        Assert.False(probe.Succeeded);
        Assert.Equal(DiagnosticCodes.HostKeyChanged, probe.Problem!.Code);
        Assert.Contains($"lo ({LoopbackSshd.User}@127.0.0.1:{_sshd.Port})", probe.Problem.Message, StringComparison.Ordinal);
        Assert.Contains($"ssh-keygen -R [127.0.0.1]:{_sshd.Port} -f {Home.KnownHostsFile}", probe.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_NothingListens_IsUnreachableWithTheReason()
    {
        var probe = SshHostProbe.Probe(Home, Host with { Port = LoopbackSshd.FreePort() }, Timeout);

        Assert.Equal(DiagnosticCodes.HostUnreachable, probe.Problem!.Code);
        Assert.Contains("Connection refused", probe.Problem.Message, StringComparison.Ordinal);
        Assert.Null(probe.Resources);
    }

    [Fact]
    public void Probe_KeyTheHostDoesNotAccept_IsAnAuthenticationFailure()
    {
        var otherKey = Path.Combine(_sshd.Folder, "client_key_unknown");
        File.Copy(_sshd.HostKey, otherKey);

        var probe = SshHostProbe.Probe(Home, Host with { IdentityFile = otherKey }, Timeout);

        Assert.Equal(DiagnosticCodes.HostAuthFailed, probe.Problem!.Code);
        Assert.Contains($"the key {otherKey}", probe.Problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("banner\ndstack-cpus 8\ndstack-mem MemTotal:       16384000 kB\ndstack-disk-kb 104857600\ndstack-gpu NVIDIA A100-SXM4-80GB, 81920, 8.0\ndstack-end\n", 8, 1)]
    [InlineData("dstack-cpus 2\ndstack-mem MemTotal: 1048576 kB\ndstack-disk-kb 1048576\ndstack-end\n", 2, 0)]
    public void Parse_ScriptOutput_UsesTheLocalParsers(string output, int cpus, int gpus)
    {
        var resources = SshHostProbe.Parse(output);

        Assert.NotNull(resources);
        Assert.Equal(cpus, resources.Cpus);
        Assert.Equal(gpus, resources.Gpus.Count);
        if (gpus > 0)
        {
            Assert.Equal("A100", resources.Gpus[0].Name);
            Assert.Equal(80, resources.Gpus[0].Memory.Gigabytes);
        }
    }

    [Fact]
    public void Parse_OutputCutShort_IsNotResources()
    {
        Assert.Null(SshHostProbe.Parse("dstack-cpus 2\ndstack-mem MemTotal: 1048576 kB\n"));
    }

    public void Dispose() => _sshd.Dispose();
}
