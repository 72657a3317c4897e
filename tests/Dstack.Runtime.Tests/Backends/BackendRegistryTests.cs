using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Python;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Backends;

/// <summary>The <c>backends:</c> list of config.yml as <see cref="BackendRegistry.Read"/> turns it into backends.</summary>
[Trait("Category", "Fast")]
public sealed class BackendRegistryTests : IDisposable
{
    private static readonly LocalMachineFacts Machine = new(
        () => new MachineResources(4, new Memory(16), new Memory(100), []),
        (_, _) => new PythonLookup("/usr/bin/python3", "3.11.2", []),
        () => new DockerProbe(false, null, "no Docker engine (a test machine)"));

    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-backends-" + Guid.NewGuid().ToString("N")[..8]));

    public BackendRegistryTests() => Directory.CreateDirectory(_home.Root);

    [Fact]
    public void Read_NoFile_IsThisMachineOnly()
    {
        var configured = BackendRegistry.Read(_home, BackendContext.Synchronous(Machine));

        Assert.Empty(configured.Problems);
        Assert.Equal(["local"], configured.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_SshEntry_IsThePoolWithItsHosts()
    {
        var configured = Read("backends:\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: ubuntu\n        host: 10.0.0.5\n      - name: gpu2\n        user: ubuntu\n        host: 10.0.0.6\n");

        Assert.Empty(configured.Problems);
        Assert.Equal(["local", "ssh"], configured.Catalog.Backends.Select(b => b.Name));
        Assert.Equal(["gpu1", "gpu2"], configured.Catalog.BackendOf("ssh")!.Machines);
    }

    [Fact]
    public void Read_OldSshHostsOnly_IsStillThePool()
    {
        var configured = Read("ssh_hosts:\n  - name: box\n    user: me\n    host: box.example.com\n");

        Assert.Empty(configured.Problems);
        Assert.Equal(["box"], configured.Catalog.BackendOf("ssh")!.Machines);
    }

    [Fact]
    public void Read_BothForms_ThePoolHasTheHostsOfBoth()
    {
        var configured = Read("ssh_hosts:\n  - name: old\n    user: me\n    host: h1\nbackends:\n  - type: ssh\n    hosts:\n      - name: new\n        user: me\n        host: h2\n");

        Assert.Empty(configured.Problems);
        Assert.Equal(["new", "old"], configured.Catalog.BackendOf("ssh")!.Machines);
    }

    [Fact]
    public void Read_DuplicateNameAcrossBoth_IsAnErrorAndLeavesThePoolOut()
    {
        var configured = Read("ssh_hosts:\n  - name: gpu1\n    user: me\n    host: h1\nbackends:\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: me\n        host: h2\n");

        var problem = Assert.Single(configured.Problems);
        Assert.True(problem.IsError);
        Assert.Equal(_home.ConfigFile, problem.Path);
        Assert.Equal(2, problem.Span.StartLine);
        Assert.Contains("gpu1 is in both `hosts` of the ssh backend (line 8) and `ssh_hosts` (line 2)", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["local"], configured.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_LocalDisabled_LeavesThisMachineOut()
    {
        var configured = Read("backends:\n  - type: local\n    enabled: false\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: me\n        host: h1\n");

        Assert.Empty(configured.Problems);
        Assert.Equal(["ssh"], configured.Catalog.Backends.Select(b => b.Name));
        Assert.DoesNotContain(configured.Catalog.Backends, b => b is LocalBackend);
    }

    [Theory]
    [InlineData("backends:\n  - type: local\n")]
    [InlineData("backends:\n  - type: local\n    enabled: true\n")]
    [InlineData("backends: []\n")]
    public void Read_LocalEntryWithoutEnabledFalse_KeepsThisMachine(string text)
    {
        var configured = Read(text);

        Assert.Empty(configured.Problems);
        Assert.Equal(["local"], configured.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_LocalEnabledNotABoolean_IsAnErrorAndKeepsThisMachine()
    {
        var configured = Read("backends:\n  - type: local\n    enabled: nope\n");

        var problem = Assert.Single(configured.Problems);
        Assert.True(problem.IsError);
        Assert.Equal((3, 14), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Contains("`enabled` of the local backend is the string \"nope\"; it must be true or false", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["local"], configured.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_UnknownType_IsAnErrorWithTheNearestType()
    {
        var configured = Read("backends:\n  - type: shh\n    hosts: []\n");

        var problem = Assert.Single(configured.Problems);
        Assert.True(problem.IsError);
        Assert.Equal(DiagnosticCodes.HostsConfigInvalid, problem.Code);
        Assert.Equal((2, 11), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Equal("`shh` is not a backend type; did you mean ssh?", problem.Message);
        Assert.Equal("ssh", problem.Suggestion?.Text);
        Assert.Equal(["local"], configured.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_UnknownTypeFarFromAny_ListsTheTypes()
    {
        var problem = Assert.Single(Read("backends:\n  - type: mainframe\n").Problems);

        Assert.StartsWith("`mainframe` is not a backend type; the types are local, ssh, aws, gcp, azure (and dstack's cudo,", problem.Message, StringComparison.Ordinal);
        Assert.Null(problem.Suggestion);
    }

    [Fact]
    public void Read_LambdaEntry_IsAWarningAndNoBackend()
    {
        var configured = Read("backends:\n  - type: lambda\n    creds:\n      type: api_key\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: me\n        host: h1\n");

        var problem = Assert.Single(configured.Problems);
        Assert.Equal(DiagnosticSeverity.Warning, problem.Severity);
        Assert.Equal((2, 11), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Contains("the lambda backend is one of dstack's, but not supported by this version yet", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["local", "ssh"], configured.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_GcpEntry_IsTheGcpBackend_AndABrokenOneIsLeftOutWithItsError()
    {
        var configured = Read("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds:\n      type: default\n    regions: [us-east1]\n");
        var broken = Read("backends:\n  - type: gcp\n    creds:\n      type: default\n");

        Assert.Empty(configured.Problems);
        Assert.Equal(["local", "gcp"], configured.Catalog.Backends.Select(b => b.Name));
        Assert.Contains("has no project_id", Assert.Single(broken.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(["local"], broken.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_AwsEntry_IsTheAwsBackend_AfterTheOthers()
    {
        var configured = Read("backends:\n  - type: aws\n    creds:\n      type: default\n    regions: [us-east-1]\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: me\n        host: h1\n");

        Assert.Empty(configured.Problems);
        Assert.Equal(["local", "ssh", "aws"], configured.Catalog.Backends.Select(b => b.Name));
        Assert.Equal("EC2 in us-east-1", configured.Catalog.BackendOf("aws")!.Summary);
    }

    [Fact]
    public void Read_ProblemInOneEntry_LeavesTheOthers()
    {
        var configured = Read("backends:\n  - type: local\n    enabld: false\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: me\n        host: h1\n");

        var problem = Assert.Single(configured.Problems);
        Assert.Equal("`enabld` is not a setting of the local backend; did you mean enabled?", problem.Message);
        Assert.Equal(["local", "ssh"], configured.Catalog.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Read_MalformedYaml_IsThisMachineAndTheSyntaxError()
    {
        var configured = Read("backends:\n  - type: [ssh\n");

        Assert.Contains(configured.Problems, p => p.IsError && p.Path == _home.ConfigFile);
        Assert.Equal(["local"], configured.Catalog.Backends.Select(b => b.Name));
    }

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    private ConfiguredBackends Read(string text)
    {
        File.WriteAllText(_home.ConfigFile, text);
        return BackendRegistry.Read(_home, BackendContext.Synchronous(Machine));
    }
}
