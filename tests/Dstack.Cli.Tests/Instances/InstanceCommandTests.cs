using System.Text.Json;
using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Instances;

/// <summary><c>dstack instance list / terminate</c> through the real program, with a private $DSTACK_HOME.</summary>
[Collection(RunCollection.Name)]
public sealed class InstanceCommandTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task List_AfterALocalRun_ShowsItsJobsInstanceTerminatedWithAll()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: quick\ncommands:\n  - echo hello\n");
        var run = await _sandbox.RunAsync("run", "-y");
        Assert.True(run.Code == 0, run.ToString());

        var active = await _sandbox.RunAsync("instance", "list", "--json");
        var all = await _sandbox.RunAsync("instance", "list", "--all", "--json");

        Assert.True(active.Code == 0, active.ToString());
        Assert.Empty(JsonDocument.Parse(active.Output).RootElement.GetProperty("instances").EnumerateArray());
        Assert.True(all.Code == 0, all.ToString());
        var instance = Assert.Single(JsonDocument.Parse(all.Output).RootElement.GetProperty("instances").EnumerateArray());
        Assert.Equal("quick", instance.GetProperty("run").GetString());
        Assert.Equal(0, instance.GetProperty("job").GetInt32());
        Assert.Equal("local", instance.GetProperty("backend").GetString());
        Assert.Equal("local", instance.GetProperty("region").GetString());
        Assert.Equal("terminated", instance.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, instance.GetProperty("terminated_at").ValueKind);
        Assert.Equal(0m, instance.GetProperty("price").GetDecimal());

        var table = await _sandbox.RunAsync("instance", "list", "-a");
        Assert.Contains("INSTANCE ID", table.Output, StringComparison.Ordinal);
        Assert.Contains("terminated", table.Output, StringComparison.Ordinal);

        var id = instance.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var again = await _sandbox.RunAsync("instance", "terminate", id, "-y");
        Assert.True(again.Code == 0, again.ToString());
        Assert.Contains("already terminated", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_ActiveRunsInstance_IsRefusedNamingTheRunAndStop()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: sleeper\ncommands:\n  - echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync("sleeper", "ready", TimeSpan.FromSeconds(20));
        var list = JsonDocument.Parse((await _sandbox.RunAsync("instance", "list", "--json")).Output).RootElement.GetProperty("instances");
        var id = Assert.Single(list.EnumerateArray()).GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var refused = await _sandbox.RunAsync("instance", "terminate", id, "-y");

        Assert.Equal(1, refused.Code);
        Assert.Contains("DSTK3030", refused.Error, StringComparison.Ordinal);
        Assert.Contains("dstack stop sleeper", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal("running", (await _sandbox.RunRecordAsync("sleeper")).GetProperty("status").GetString());

        var stop = await _sandbox.RunAsync("stop", "sleeper", "-x", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        var after = JsonDocument.Parse((await _sandbox.RunAsync("instance", "list", "-a", "--json")).Output).RootElement.GetProperty("instances");
        Assert.Equal("terminated", Assert.Single(after.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Terminate_UnknownId_SaysSoWithTheIdsThatExist()
    {
        var result = await _sandbox.RunAsync("instance", "terminate", "7", "-y");

        Assert.Equal(1, result.Code);
        Assert.Contains("DSTK3029: no instance 7; there are no instances yet", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_IdThatIsNotANumber_IsAUsageError()
    {
        var result = await _sandbox.RunAsync("instance", "terminate", "gpu1");

        Assert.Equal(2, result.Code);
        Assert.Contains("instance id gpu1", result.Error, StringComparison.Ordinal);
        Assert.Contains("dstack instance list", result.Error, StringComparison.Ordinal);
    }
}
