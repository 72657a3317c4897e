using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Probes;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// The pool's hosts as the editor's probes learn them, without a probe run here (each host's probe is kept as another
/// dstack process would keep it): taken at once, and forgotten when the host leaves config.yml.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ProbingSshPoolTests : IDisposable
{
    /// <summary>Hosts nobody listens for: never probed here, their probes are kept.</summary>
    private static readonly SshHost Gpu1 = new("gpu1", "ubuntu", "192.0.2.1");
    private static readonly SshHost Gpu2 = new("gpu2", "ubuntu", "192.0.2.2");

    private readonly DstackHome _home = new(Directory.CreateTempSubdirectory("dstack-pool-probes-").FullName);
    private readonly BackgroundProbes _probes = new(TimeProvider.System, () => { });

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    [Fact]
    public void Probe_HostsKeptByAnotherProcess_AnsweredAtOnceWithoutProbing()
    {
        Keep(Gpu1, cpus: 16);
        Keep(Gpu2, cpus: 32);

        var probes = new ProbingSshPool(_home, [Gpu1, Gpu2], _probes).Probe([Gpu1, Gpu2]);

        Assert.Equal([16, 32], probes.Select(p => p?.Resources?.Cpus));
        Assert.True(_probes.Refreshing.IsCompleted, "nothing is probed while the kept probes are recent");
    }

    [Fact]
    public void Probe_HostRemovedFromThePoolAndAddedAgain_ItsProbeWasForgotten()
    {
        Keep(Gpu1, cpus: 16);
        Keep(Gpu2, cpus: 16);
        new ProbingSshPool(_home, [Gpu1, Gpu2], _probes).Probe([Gpu1, Gpu2]);
        Keep(Gpu1, cpus: 64);
        Keep(Gpu2, cpus: 64);

        new ProbingSshPool(_home, [Gpu1], _probes);
        var again = new ProbingSshPool(_home, [Gpu1, Gpu2], _probes).Probe([Gpu1, Gpu2]);

        // gpu1 stayed: its probe is still the one known (not stale yet); gpu2 left: its probe is read again.
        Assert.Equal([16, 64], again.Select(p => p?.Resources?.Cpus));
    }

    /// <summary>Keeps a probe of <paramref name="host"/> as another dstack process would.</summary>
    private void Keep(SshHost host, int cpus)
    {
        var output = $"dstack-cpus {cpus}\ndstack-mem MemTotal: 67108864 kB\ndstack-disk-kb 524288000\ndstack-end\n";
        SshProbeCache.Keep(_home, new SshProbeResult(host, SshHostProbe.Parse(output), null, output));
    }
}
