using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.EndToEnd;

/// <summary>The built server over stdio ends when the editor that started it dies, even while its stdin stays open.</summary>
public sealed class EditorProcessTests
{
    [Fact]
    public async Task Stdio_EditorKilledWhileStdinStaysOpen_ServerExitsOne()
    {
        using var editor = new Sleeper();
        await using var server = ServerProcess.Start("--stdio");
        await server.SendAsync(Request(1, "initialize", new JsonObject { ["processId"] = editor.Id, ["capabilities"] = new JsonObject() }));
        await server.WaitForAsync(m => IsResponse(m, 1), "the initialize response");
        await server.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "initialized", ["params"] = new JsonObject() });
        // Past the first check of the watch: the server serves while the editor lives.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await server.SendAsync(Request(2, "textDocument/diagnostic", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = "file:///w/a.dstack.yml" } }));
        await server.WaitForAsync(m => IsResponse(m, 2), "an answer while the editor runs");

        var watch = Stopwatch.StartNew();
        editor.Kill();
        var exitCode = await server.ExitCodeAsync();

        Assert.Equal(1, exitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the server exited {watch.Elapsed} after the editor");
        Assert.Contains($"the editor's process {editor.Id} has ended; the server stops (exit code 1)", await server.StderrAsync(), StringComparison.Ordinal);
        Assert.Null(server.StdoutError);
    }

    [Fact]
    public async Task Stdio_StdinClosedWhileEditorRuns_ServerExitsOneAtOnce()
    {
        using var editor = new Sleeper();
        await using var server = ServerProcess.Start("--stdio");
        await server.SendAsync(Request(1, "initialize", new JsonObject { ["processId"] = editor.Id, ["capabilities"] = new JsonObject() }));
        await server.WaitForAsync(m => IsResponse(m, 1), "the initialize response");

        await server.CloseInputAsync();

        Assert.Equal(1, await server.ExitCodeAsync());
        Assert.Contains("the client closed the connection without 'shutdown' and 'exit'", await server.StderrAsync(), StringComparison.Ordinal);
    }

    private static bool IsResponse(JsonElement message, int id) =>
        message.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt32() == id && !message.TryGetProperty("method", out _);

    private static JsonObject Request(int id, string method, JsonNode parameters) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };
}
