namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// Secrets written by a real job through the real program: masked in the terminal and in <c>dstack logs</c>,
/// whatever pieces the job writes them in.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class SecretMaskingEndToEndTests : IDisposable
{
    private const string Secret = "s3cr3t-token-value";

    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_SecretWrittenInTwoPiecesWithAPause_IsMaskedInTheTerminalAndInLogs()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: pieces\nenv:\n  - TOKEN\ncommands:\n  - printf 'token=%s' \"${TOKEN%%-*}\"; sleep 0.3; printf -- '-%s done\\n' \"${TOKEN#*-}\"\n  - printf 'err=%s' \"${TOKEN%%-*}\" >&2; sleep 0.3; printf -- '-%s\\n' \"${TOKEN#*-}\" >&2\n  - echo after\n");
        _sandbox.Environment["TOKEN"] = Secret;

        var run = await _sandbox.RunAsync("run", "-y");
        var logs = await _sandbox.RunAsync("logs", "pieces");

        Assert.True(run.Code == 0, run.ToString());
        Assert.False(run.ToString().Contains(Secret, StringComparison.Ordinal), run.ToString());
        Assert.Contains("token=*** done\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("err=***\n", run.Error, StringComparison.Ordinal);
        Assert.Contains("after\n", run.Output, StringComparison.Ordinal);
        Assert.True(logs.Code == 0, logs.ToString());
        Assert.False(logs.ToString().Contains(Secret, StringComparison.Ordinal), logs.ToString());
        Assert.Contains("token=*** done\n", logs.Output, StringComparison.Ordinal);
    }
}
