using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Python;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class RunPlannerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-plan-" + Guid.NewGuid().ToString("N")[..12]);

    public RunPlannerTests() => Directory.CreateDirectory(Path.Combine(_root, "project"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private RunPlan Plan(string yaml, RunOverrides? overrides = null, Dictionary<string, string>? environment = null)
    {
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), yaml);
        var env = environment ?? new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };
        return RunPlanner.Plan(new RunRequest(Path.Combine(_root, "project"), ".", null, overrides ?? new RunOverrides(), env, new DstackHome(Path.Combine(_root, "home"))));
    }

    private static Diagnostic Error(RunPlan plan, string code) =>
        Assert.Single(plan.Diagnostics, d => d.Code == code && d.IsError);

    [Fact]
    public void Plan_SimpleTask_ResolvesScriptEnvAndLocalOffer()
    {
        var plan = Plan("type: task\nenv:\n  - A=1\ncommands:\n  - echo ${{ run.args }}\n  - sleep 1 &\n", new RunOverrides { RunArgs = ["two words"] });

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Equal("echo 'two words' && { sleep 1 & }", plan.Spec!.Script);
        Assert.Equal([new EnvEntry("A", "1")], plan.Spec.Env);
        Assert.Equal("/bin/bash", plan.Spec.Shell);
        Assert.Equal(0m, Assert.Single(plan.Placement!.Jobs).PricePerHour);
        Assert.Equal("local", plan.Spec.Backend);
        Assert.Null(plan.RequestedName);
    }

    [Fact]
    public void Plan_NoConfiguration_SaysHowToNameOne()
    {
        var plan = RunPlanner.Plan(new RunRequest(_root, "project", null, new RunOverrides(), new Dictionary<string, string>(), new DstackHome(Path.Combine(_root, "home"))));

        Assert.Contains("-f FILE", Error(plan, DiagnosticCodes.FileNotFound).Message, StringComparison.Ordinal);
        Assert.False(plan.CanRun);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("/tmp/elsewhere")]
    [InlineData("Bad Name")]
    [InlineData("UPPER")]
    public void Plan_RunNameOutsideDstacksRule_IsAnOptionErrorAndNoSpec(string name)
    {
        var plan = Plan("type: task\ncommands: [echo]\n", new RunOverrides { Name = name });

        Assert.Null(plan.Spec);
        Assert.False(plan.CanRun);
        Assert.StartsWith($"-n: `{name}` is not a valid run name: it must match '^[a-z][a-z0-9-]{{1,40}}$'", Error(plan, DiagnosticCodes.InvalidOption).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_MalformedDotEnvLine_StopsTheRunAndDoesNotClaimTheLineIsIgnored()
    {
        File.WriteAllText(Path.Combine(_root, "project", ".env"), "NO_EQUALS\n");

        var plan = Plan("type: task\ncommands: [echo]\n");

        Assert.False(plan.CanRun);
        var error = Error(plan, DiagnosticCodes.DotEnvSyntax);
        Assert.Equal("`NO_EQUALS` has no `=`: write NO_EQUALS=value, or NO_EQUALS= for an empty value", error.Message);
    }

    [Fact]
    public void Plan_GpuOption_ReplacesTheWholeSpec()
    {
        var plan = Plan("type: task\ncommands: [echo]\nresources:\n  gpu: 24GB\n", new RunOverrides { Gpu = "H100:8" });

        Assert.Contains("H100", Error(plan, DiagnosticCodes.ResourcesUnmet).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("24GB", Error(plan, DiagnosticCodes.ResourcesUnmet).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-duration", "1.5h")]
    [InlineData("--gpu", "A100:80XB")]
    [InlineData("--disk", "lots")]
    [InlineData("-p", "80:abc")]
    public void Plan_MalformedOption_IsAnErrorNamingTheOptionAndValue(string option, string value)
    {
        var overrides = option switch
        {
            "--max-duration" => new RunOverrides { MaxDuration = value },
            "--gpu" => new RunOverrides { Gpu = value },
            "--disk" => new RunOverrides { Disk = value },
            _ => new RunOverrides { Ports = [value] },
        };

        var plan = Plan("type: task\ncommands: [echo]\n", overrides);

        var error = Error(plan, DiagnosticCodes.InvalidOption);
        Assert.StartsWith($"{option} {value}: ", error.Message, StringComparison.Ordinal);
        Assert.Null(error.Path);
    }

    [Fact]
    public void Plan_PortFlags_ReplaceTheFilesMappingOfTheSameContainerPort()
    {
        var plan = Plan("type: task\ncommands: [echo]\nports:\n  - 8000\n  - \"3000:3000\"\n", new RunOverrides { Ports = ["9000:8000"] });

        Assert.Equal([new PortMapping(3000, 3000), new PortMapping(9000, 8000)], plan.Ports);
    }

    [Fact]
    public void Plan_TwoMappingsOnOneLocalPort_IsAConflict()
    {
        var plan = Plan("type: task\ncommands: [echo]\nports:\n  - \"8000:80\"\n", new RunOverrides { Ports = ["8000:90"] });

        Assert.Contains("local port 8000", Error(plan, DiagnosticCodes.PortConflict).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ReservedContainerPort_IsDroppedWithAWarning()
    {
        var plan = Plan("type: task\ncommands: [echo]\nports:\n  - 10999\n  - 8080\n");

        Assert.Equal([new PortMapping(8080, 8080)], plan.Ports);
        Assert.Contains(plan.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("10999", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("backends: [aws]\n", "backends [aws]")]
    [InlineData("regions: [us-east-1]\n", "regions [us-east-1]")]
    [InlineData("spot_policy: spot\n", "spot_policy spot")]
    [InlineData("instance_types: [p4d.24xlarge]\n", "instance_types")]
    public void Plan_FiltersThatExcludeTheLocalMachine_AreNoOffers(string property, string expected)
    {
        var plan = Plan($"type: task\ncommands: [echo]\n{property}");

        Assert.Contains(expected, Error(plan, DiagnosticCodes.NoOffers).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_LocalBackendRegionAndAutoSpotAndAnyMaxPrice_Run()
    {
        var plan = Plan("type: task\ncommands: [echo]\nbackends: [local]\nregions: [local]\nspot_policy: auto\nmax_price: 0.01\n");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
    }

    [Fact]
    public void Plan_ProfileAndOptions_SetDurationsAndRetry()
    {
        var plan = Plan("type: task\ncommands: [echo]\nmax_duration: 2h\nretry: true\n", new RunOverrides { MaxDuration = "90", RetryDuration = "10m" });

        Assert.Equal(90, plan.Spec!.MaxDuration);
        Assert.Equal(600, plan.Spec.RetryDuration);
        Assert.Equal([RetryEvent.NoCapacity, RetryEvent.Interruption, RetryEvent.Error], plan.Spec.RetryOn);
        Assert.Equal(300, plan.Spec.StopDuration);
    }

    [Fact]
    public void Plan_NoRetry_ClearsTheConfigurationsRetry()
    {
        var plan = Plan("type: task\ncommands: [echo]\nretry: true\n", new RunOverrides { Retry = false });

        Assert.Empty(plan.Spec!.RetryOn);
    }

    [Fact]
    public void Plan_DevEnvironment_RunsInitThenStaysUp()
    {
        var plan = Plan("type: dev-environment\nide: vscode\ninit:\n  - echo ready\n");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.StartsWith("echo ready && ", plan.Spec!.Script, StringComparison.Ordinal);
        Assert.EndsWith("exec tail -f /dev/null", plan.Spec.Script, StringComparison.Ordinal);
    }

    // dstack substitutes `${{ run.args }}` and `$$` in setup but leaves a dev environment's init as written.
    [Theory]
    [InlineData("init:\n  - echo ${{ run.args }} $$\n", "echo ${{ run.args }} $$ && ")]
    [InlineData("init:\n  - echo ${{ anything.here }}\n", "echo ${{ anything.here }} && ")]
    [InlineData("setup:\n  - echo ${{ run.args }} $$\ninit:\n  - echo ${{ run.args }}\n", "echo 'a b' $ && echo ${{ run.args }} && ")]
    public void Plan_DevEnvironment_RunsInitAsWritten(string lines, string scriptStart)
    {
        var plan = Plan("type: dev-environment\nide: vscode\n" + lines, new RunOverrides { RunArgs = ["a b"] });

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.StartsWith(scriptStart, plan.Spec!.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ShellSh_RunsUnderSh()
    {
        var plan = Plan("type: task\nshell: sh\ncommands: [echo]\n");

        Assert.Equal("/bin/sh", plan.Spec!.Shell);
    }

    [Fact]
    public void Plan_InstanceVolumeWithoutImage_NeedsAContainer()
    {
        var plan = Plan("type: task\ncommands: [echo]\nvolumes:\n  - /data:/data\n");

        Assert.Contains("instance volumes are bind mounts into the job's container", Error(plan, DiagnosticCodes.InvalidVolume).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_BuildOnlyWithoutBuildCommands_IsAnError()
    {
        var plan = Plan("type: task\ncommands: [echo]\n", new RunOverrides { BuildOnly = true });

        Assert.Contains("build:", Error(plan, DiagnosticCodes.NothingToRun).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_GpusHeldByOtherRuns_AreNotGivenAgain()
    {
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), "type: task\ncommands: [echo]\nresources:\n  gpu: A100:1\n");
        var held = new HeldPlacement(new Offer("local", "local", "local", TwoGpus.Machine(), false, 0m) { Gpus = [0] }, "first-run");

        var plan = RunPlanner.Plan(new RunRequest(Path.Combine(_root, "project"), ".", null, new RunOverrides(), new Dictionary<string, string>(), new DstackHome(Path.Combine(_root, "home")))
        {
            InUse = () => [held],
            Backends = () => new ConfiguredBackends(new OfferCatalog([new LocalBackend(TwoGpus)]), []),
        });

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Equal([1], Assert.Single(plan.Placement!.Jobs).Gpus);
    }

    [Fact]
    public void Plan_EveryGpuHeldByOtherRuns_IsNoCapacityNamingTheHolder()
    {
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), "type: task\ncommands: [echo]\nresources:\n  gpu: A100:2\n");
        var held = new HeldPlacement(new Offer("local", "local", "local", TwoGpus.Machine(), false, 0m) { Gpus = [1] }, "first-run");

        var plan = RunPlanner.Plan(new RunRequest(Path.Combine(_root, "project"), ".", null, new RunOverrides(), new Dictionary<string, string>(), new DstackHome(Path.Combine(_root, "home")))
        {
            InUse = () => [held],
            Backends = () => new ConfiguredBackends(new OfferCatalog([new LocalBackend(TwoGpus)]), []),
        });

        Assert.False(plan.CanRun);
        Assert.True(plan.OnlyLacksCapacity);
        Assert.Contains("GPU 1 by first-run", Error(plan, DiagnosticCodes.NoCapacity).Message, StringComparison.Ordinal);
    }

    /// <summary>A machine with two A100s, Python 3.11 and no Docker engine.</summary>
    private static readonly LocalMachineFacts TwoGpus = new(
        () => new MachineResources(8, new Memory(64), new Memory(500), [new MachineGpu("A100", GpuVendor.Nvidia, new Memory(80)), new MachineGpu("A100", GpuVendor.Nvidia, new Memory(80))]),
        (version, _) => new PythonLookup("/usr/bin/python3.11", "3.11.2", []),
        () => new DockerProbe(false, null, "no Docker engine answers (a test machine)"));
}
