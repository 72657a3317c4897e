using System.Text.Json;
using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Cli.Tests.Backends;

/// <summary><c>dstack backend list / check</c> through the real program, with a private $DSTACK_HOME.</summary>
public sealed class BackendCommandTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task List_WithoutSshHosts_IsTheLocalBackendOnly()
    {
        var json = await _sandbox.RunAsync("backend", "list", "--json");
        var table = await _sandbox.RunAsync("backend", "list");

        Assert.True(json.Code == 0, json.ToString());
        var root = JsonDocument.Parse(json.Output).RootElement;
        var backend = Assert.Single(root.GetProperty("backends").EnumerateArray());
        Assert.Equal("local", backend.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, backend.GetProperty("hosts").ValueKind);
        Assert.Empty(root.GetProperty("problems").EnumerateArray());
        Assert.True(table.Code == 0, table.ToString());
        Assert.Contains("this machine", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutSshHosts_LocalIsOkWithThisMachinesCores()
    {
        var result = await _sandbox.RunAsync("backend", "check");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("local", result.Output, StringComparison.Ordinal);
        Assert.Contains($"this machine: {Environment.ProcessorCount}xCPU", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownName_IsAUsageErrorNamingTheConfiguredBackends()
    {
        var result = await _sandbox.RunAsync("backend", "check", "ssh");

        Assert.Equal(2, result.Code);
        Assert.Contains("backend ssh: no such backend is configured; the configured backends are local", result.Error, StringComparison.Ordinal);
        Assert.Contains("dstack pool add-ssh", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AKnownBackendNotConfigured_SaysWhereItIsConfigured_AndAnUnknownNameGetsNoHint()
    {
        var aws = await _sandbox.RunAsync("backend", "check", "aws");
        var unknown = await _sandbox.RunAsync("backend", "check", "nebula");

        Assert.Equal(2, aws.Code);
        Assert.Contains($"backend aws: no such backend is configured; the configured backends are local; aws is configured by an entry `- type: aws` under `backends:` in {Path.Combine(_sandbox.Home, "config.yml")}", aws.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.Code);
        Assert.Contains("backend nebula: no such backend is configured; the configured backends are local\n", unknown.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndCheck_AnUnreachableHost_IsListedAndFailsTheCheck()
    {
        var port = LoopbackSshd.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(_sandbox.Home, "config.yml"), $"ssh_hosts:\n  - name: down\n    user: nobody\n    host: 127.0.0.1\n    port: {port}\n");

        var list = await _sandbox.RunAsync("backend", "list", "--json");
        var check = await _sandbox.RunAsync("backend", "check", "ssh");

        Assert.True(list.Code == 0, list.ToString());
        var ssh = JsonDocument.Parse(list.Output).RootElement.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "ssh");
        Assert.Equal(["down"], ssh.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(1, check.Code);
        Assert.Contains("down", check.Output, StringComparison.Ordinal);
        Assert.Contains("unreachable", check.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("this machine", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_MalformedConfig_ReportsTheProblemWithLineAndColumn()
    {
        File.WriteAllText(Path.Combine(_sandbox.Home, "config.yml"), "ssh_hosts:\n  - name: bad\n    user: me\n    host: 10.0.0.5\n    port: many\n");

        var result = await _sandbox.RunAsync("backend", "list");

        Assert.Equal(1, result.Code);
        Assert.Contains("config.yml(5,11): error DSTK3019", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_BackendsList_LocalSwitchedOffAndLambdaLeftOutWithAWarning()
    {
        File.WriteAllText(
            Path.Combine(_sandbox.Home, "config.yml"),
            "backends:\n  - type: local\n    enabled: false\n  - type: lambda\n    regions: [us-east-1]\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: me\n        host: 10.0.0.5\n");

        var json = await _sandbox.RunAsync("backend", "list", "--json");
        var table = await _sandbox.RunAsync("backend", "list");

        Assert.True(json.Code == 0, json.ToString());
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(["ssh"], root.GetProperty("backends").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        var problem = Assert.Single(root.GetProperty("problems").EnumerateArray());
        Assert.Equal(4, problem.GetProperty("line").GetInt32());
        Assert.True(table.Code == 0, table.ToString());
        Assert.Contains("config.yml(4,11): warning DSTK3019: the lambda backend is one of dstack's, but not supported by this version yet", table.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnknownBackendType_IsAnErrorWithTheNearestType()
    {
        File.WriteAllText(Path.Combine(_sandbox.Home, "config.yml"), "backends:\n  - type: shh\n");

        var result = await _sandbox.RunAsync("backend", "list");

        Assert.Equal(1, result.Code);
        Assert.Contains("config.yml(2,11): error DSTK3019: `shh` is not a backend type; did you mean ssh?", result.Error, StringComparison.Ordinal);
    }
}
