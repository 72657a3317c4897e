using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Probes;
using Dstack.Runtime.Python;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Tests.Probes;

namespace Dstack.Runtime.Tests.Backends.Local;

/// <summary>
/// This machine's facts learnt through probes: as the editor keeps them (<see cref="BackgroundProbes"/>), the machine,
/// each Python lookup and the Docker probe are found once, then answered at once and found again in the background when
/// stale; as the CLI asks (<see cref="SynchronousProbes"/>), each is looked up when asked, once per max age.
/// </summary>
[Trait("Category", "Fast")]
public sealed class LocalMachineFactsTests
{
    private static readonly MachineResources OneGpu = new(8, new Memory(32), new Memory(200), [new MachineGpu("RTX4090", GpuVendor.Nvidia, new Memory(24), new ComputeCapability(8, 9))]);
    private static readonly DockerProbe DockerRunning = new(true, "/usr/bin/docker", "the Docker engine answers");
    private static readonly DockerProbe NoDocker = new(false, null, "no Docker engine answers at /var/run/docker.sock (the socket does not exist)");

    private readonly ManualTime _time = new();
    private readonly BackgroundProbes _probes;
    private int _machineDetections;
    private int _pythonLookups;
    private int _dockerProbes;

    public LocalMachineFactsTests() => _probes = new BackgroundProbes(_time, () => { });

    [Fact]
    public void Machine_FromTheMachinesProbe()
    {
        var facts = Facts();

        Assert.Same(OneGpu, facts.Machine());
        Assert.Same(OneGpu, facts.Machine());
        Assert.Equal(1, _machineDetections);
    }

    [Fact]
    public void FindPython_SameVersionAndPath_LookedUpOnce()
    {
        var facts = Facts();

        var first = facts.FindPython("3.12", "/usr/bin");
        var again = facts.FindPython("3.12", "/usr/bin");
        var otherPath = facts.FindPython("3.12", "/opt/bin");
        var otherVersion = facts.FindPython("3.9", "/usr/bin");
        var noPath = facts.FindPython("3.12", null);

        Assert.Same(first, again);
        Assert.Equal("/opt/bin/python3.12", otherPath.Executable);
        Assert.Null(otherVersion.Executable);
        Assert.Null(noPath.Executable);
        Assert.Equal(4, _pythonLookups);
    }

    [Fact]
    public async Task FindPython_AfterMaxAge_AnswersTheOldLookupAndLooksUpInTheBackground()
    {
        var facts = Facts();
        var first = facts.FindPython("3.12", "/usr/bin");
        _time.Advance(LocalMachineFacts.MaxAge);

        var stale = facts.FindPython("3.12", "/usr/bin");
        await _probes.Refreshing.WaitAsync(ManualTime.Limit);
        var fresh = facts.FindPython("3.12", "/usr/bin");

        Assert.Same(first, stale);
        Assert.NotSame(first, fresh);
        Assert.Equal(2, _pythonLookups);
    }

    [Fact]
    public async Task Docker_WhileAProbeHangs_AnswersTheLastProbeAtOnce()
    {
        using var release = new ManualResetEventSlim(initialState: true);
        var facts = new LocalMachineFacts(
            () => OneGpu,
            (_, _) => new PythonLookup(null, string.Empty, []),
            () =>
            {
                release.Wait(ManualTime.Limit);
                return Interlocked.Increment(ref _dockerProbes) == 1 ? DockerRunning : NoDocker;
            }).Through(_probes);
        var first = facts.Docker();
        release.Reset();
        _time.Advance(LocalMachineFacts.MaxAge);

        var whileProbing = facts.Docker();
        var probing = _probes.Refreshing;
        var again = facts.Docker();
        Assert.False(probing.IsCompleted, "the second probe waits for the engine");
        release.Set();
        await probing.WaitAsync(ManualTime.Limit);
        var later = facts.Docker();

        Assert.Equal([DockerRunning, DockerRunning, DockerRunning, NoDocker], [first, whileProbing, again, later]);
        Assert.Equal(2, _dockerProbes);
    }

    [Fact]
    public async Task Docker_Repeatedly_ProbedOnce()
    {
        var facts = Facts();
        await _probes.Refreshing.WaitAsync(ManualTime.Limit);

        facts.Docker();
        _time.Advance(LocalMachineFacts.MaxAge - TimeSpan.FromSeconds(1));
        facts.Docker();

        Assert.Equal(1, _dockerProbes);
        Assert.True(_probes.Refreshing.IsCompleted);
    }

    [Fact]
    public async Task Through_TheEditorsProbes_TheMachineAndDockerStartBeingLearntAtOnce()
    {
        Facts();

        await _probes.Refreshing.WaitAsync(ManualTime.Limit);

        Assert.Equal((1, 0, 1), (_machineDetections, _pythonLookups, _dockerProbes));
    }

    [Fact]
    public void Through_TheCliProbes_EachLookedUpWhenAskedOncePerMaxAge()
    {
        var facts = Facts(new SynchronousProbes(_time));
        Assert.Equal((0, 0, 0), (_machineDetections, _pythonLookups, _dockerProbes));

        facts.Machine();
        facts.FindPython("3.12", "/usr/bin");
        facts.Docker();
        facts.Machine();
        facts.FindPython("3.12", "/usr/bin");
        facts.Docker();
        _time.Advance(LocalMachineFacts.MaxAge);
        facts.Machine();

        Assert.Equal((2, 1, 1), (_machineDetections, _pythonLookups, _dockerProbes));
    }

    /// <summary>Facts that count their lookups: <see cref="OneGpu"/>, Python 3.12 on any <c>PATH</c>, a Docker engine that answers.</summary>
    private LocalMachineFacts Facts(IProbes? probes = null) => new LocalMachineFacts(
        () =>
        {
            Interlocked.Increment(ref _machineDetections);
            return OneGpu;
        },
        (version, path) =>
        {
            Interlocked.Increment(ref _pythonLookups);
            return version == "3.12" && path is not null ? new PythonLookup($"{path}/python3.12", "3.12.4", []) : new PythonLookup(null, string.Empty, []);
        },
        () =>
        {
            Interlocked.Increment(ref _dockerProbes);
            return DockerRunning;
        }).Through(probes ?? _probes);
}
