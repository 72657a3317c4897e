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

/// <summary>The default image (<c>DSTACK_DEFAULT_IMAGE</c>, config.yml's <c>default_image</c>) and the volumes that need a container, as the planner resolves them.</summary>
[Trait("Category", "Fast")]
public sealed class DefaultImageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-default-image-" + Guid.NewGuid().ToString("N")[..12]);

    public DefaultImageTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "project"));
        Directory.CreateDirectory(Path.Combine(_root, "home"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DstackHome Home => new(Path.Combine(_root, "home"));

    private void Config(string yaml) => File.WriteAllText(Home.ConfigFile, yaml);

    private RunPlan Plan(string yaml, Dictionary<string, string>? environment = null, bool docker = true)
    {
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), yaml);
        var machine = new LocalMachineFacts(
            () => new MachineResources(4, new Memory(16), new Memory(100), []),
            (_, _) => new PythonLookup("/usr/bin/python3.11", "3.11.2", []),
            () => new DockerProbe(docker, null, docker ? "answers" : "no Docker engine answers (a test machine)"));
        return RunPlanner.Plan(new RunRequest(Path.Combine(_root, "project"), ".", null, new RunOverrides(), environment ?? [], Home)
        {
            Backends = () => new ConfiguredBackends(new OfferCatalog([new LocalBackend(machine)]), []),
        });
    }

    [Fact]
    public void Read_NothingSet_IsNone()
    {
        var diagnostics = new List<Diagnostic>();

        Assert.Null(DefaultImage.Read(Home, new Dictionary<string, string>(), diagnostics));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Read_ConfigKey_IsTheImageFromConfigYml()
    {
        Config("backends:\n  - type: local\ndefault_image: localhost/busybox:1.35\n");

        var image = DefaultImage.Read(Home, new Dictionary<string, string>(), []);

        Assert.Equal(new DefaultImage("localhost/busybox:1.35", "config.yml"), image);
    }

    [Fact]
    public void Read_VariableAndConfigKey_TheVariableWins()
    {
        Config("default_image: python:3.12\n");

        var image = DefaultImage.Read(Home, new Dictionary<string, string> { ["DSTACK_DEFAULT_IMAGE"] = " ubuntu:22.04 " }, []);

        Assert.Equal(new DefaultImage("ubuntu:22.04", "DSTACK_DEFAULT_IMAGE"), image);
    }

    [Theory]
    [InlineData("default_image: [python]\n", 16, "it is a list")]
    [InlineData("default_image: 3\n", 16, "it is the number 3")]
    [InlineData("default_image: \"\"\n", 16, "it is empty")]
    [InlineData("default_image: \"py thon\"\n", 16, "\"py thon\" is not an image reference (it holds ' '")]
    [InlineData("default_image: Python:3\n", 16, "\"Python:3\" is not an image reference")]
    public void Read_BadConfigValue_IsAnErrorAtTheValueInConfigYml(string yaml, int column, string problem)
    {
        Config(yaml);
        var diagnostics = new List<Diagnostic>();

        Assert.Null(DefaultImage.Read(Home, new Dictionary<string, string>(), diagnostics));

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.HostsConfigInvalid, error.Code);
        Assert.True(error.IsError);
        Assert.Equal(Home.ConfigFile, error.Path);
        Assert.Equal((1, column), (error.Span.StartLine, error.Span.StartColumn));
        Assert.StartsWith($"`default_image`: {problem}", error.Message, StringComparison.Ordinal);
        Assert.Contains("such as `default_image: python:3.12-slim`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadVariable_IsAnErrorNamingIt()
    {
        var diagnostics = new List<Diagnostic>();

        Assert.Null(DefaultImage.Read(Home, new Dictionary<string, string> { ["DSTACK_DEFAULT_IMAGE"] = "a b" }, diagnostics));

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidOption, error.Code);
        Assert.StartsWith("DSTACK_DEFAULT_IMAGE=a b: \"a b\" is not an image reference", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TaskWithoutImage_RunsInTheDefaultImage()
    {
        Config("default_image: localhost/busybox:1.35\n");

        var plan = Plan("type: task\ncommands: [echo hi]\n");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Equal("localhost/busybox:1.35", plan.Spec!.Image);
        Assert.Equal("config.yml", plan.DefaultImage!.Source);
    }

    [Fact]
    public void Plan_DefaultImageWithoutAnEngine_HasNoOfferAsAnImageWould()
    {
        var plan = Plan("type: task\ncommands: [echo hi]\n", new Dictionary<string, string> { ["DSTACK_DEFAULT_IMAGE"] = "busybox" }, docker: false);

        Assert.False(plan.CanRun);
        Assert.Contains(plan.Diagnostics, d => d.IsError && d.Code == DiagnosticCodes.DockerUnavailable);
    }

    [Fact]
    public void Plan_OwnImage_WinsOverTheDefault()
    {
        Config("default_image: localhost/busybox:1.35\n");

        var plan = Plan("type: task\nimage: alpine:3\ncommands: [echo hi]\n");

        Assert.Equal("alpine:3", plan.Spec!.Image);
        Assert.Null(plan.DefaultImage);
    }

    [Fact]
    public void Plan_PythonWithTheDefaultImage_IsAWarningAndNoPythonIsLookedFor()
    {
        var plan = Plan("type: task\npython: \"3.9\"\ncommands: [python -V]\n", new Dictionary<string, string> { ["DSTACK_DEFAULT_IMAGE"] = "python:3.12" });

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        var warning = Assert.Single(plan.Diagnostics, d => d.Code == DiagnosticCodes.ImageAndPython);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(2, warning.Span.StartLine);
        Assert.StartsWith("python: 3.9 is not looked for inside the default image python:3.12 (from DSTACK_DEFAULT_IMAGE)", warning.Message, StringComparison.Ordinal);
        Assert.False(plan.Placement!.Jobs[0].Data.ContainsKey(Offer.PythonKey));
    }

    [Fact]
    public void Plan_BadDefaultImage_StopsTheRunAtConfigYml()
    {
        Config("default_image: {}\n");

        var plan = Plan("type: task\ncommands: [echo]\n");

        Assert.False(plan.CanRun);
        Assert.Contains(plan.Diagnostics, d => d.IsError && d.Code == DiagnosticCodes.HostsConfigInvalid && d.Path == Home.ConfigFile);
    }

    [Fact]
    public void Plan_InstanceVolumesInAContainer_AreTheJobsBindMounts()
    {
        var plan = Plan("type: task\nimage: busybox\ncommands: [echo]\nvolumes:\n  - /srv/cache:/cache\n  - instance_path: /srv/data\n    path: /data\n    optional: true\n");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Equal([new BindMount("/srv/cache", "/cache"), new BindMount("/srv/data", "/data")], plan.Spec!.Mounts);
    }

    [Fact]
    public void Plan_InstanceVolumeWithoutAContainer_IsAnErrorThatSaysToSetImage()
    {
        var plan = Plan("type: task\ncommands: [echo]\nvolumes:\n  - /srv/cache:/cache\n");

        Assert.False(plan.CanRun);
        var error = Assert.Single(plan.Diagnostics, d => d.IsError && d.Code == DiagnosticCodes.InvalidVolume);
        Assert.Contains("set `image:`", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Span.StartLine);
    }

    [Fact]
    public void Plan_OptionalInstanceVolumeWithoutAContainer_IsSkippedWithAWarningAtIt()
    {
        var plan = Plan("type: task\ncommands: [echo]\nvolumes:\n  - instance_path: /srv/data\n    path: /data\n    optional: true\n");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Empty(plan.Spec!.Mounts);
        var warning = Assert.Single(plan.Diagnostics, d => d.Code == DiagnosticCodes.InvalidVolume);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(4, warning.Span.StartLine);
        Assert.StartsWith("volumes: /srv/data is not mounted", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NetworkVolume_IsRefusedEvenInAContainer()
    {
        var plan = Plan("type: task\nimage: busybox\ncommands: [echo]\nvolumes:\n  - my-disk:/data\n");

        Assert.False(plan.CanRun);
        var error = Assert.Single(plan.Diagnostics, d => d.IsError && d.Code == DiagnosticCodes.InvalidVolume);
        Assert.StartsWith("volumes: network volumes need a cloud backend that supports them, and none here does yet", error.Message, StringComparison.Ordinal);
    }
}
