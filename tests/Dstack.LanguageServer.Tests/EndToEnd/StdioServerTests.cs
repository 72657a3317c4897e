using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.EndToEnd;

/// <summary>The built server, started as an editor starts it, speaking LSP on its real stdin and stdout.</summary>
public sealed class StdioServerTests
{
    [Fact]
    public async Task Stdio_OpenBrokenFileThenShutdownAndExit_PublishesDiagnosticsAndExitsZero()
    {
        const string path = "/work/project/train.dstack.yml";
        const string uri = $"file://{path}";
        const string text = "type: task\ncommands:\n  - echo 😀\nresources:\n  memory: 80GB..40GB\n  gpu: A100:80XB\n";
        await using var server = ServerProcess.Start("--stdio");

        await server.SendAsync(Request(1, "initialize", new JsonObject { ["processId"] = Environment.ProcessId, ["capabilities"] = new JsonObject(), ["clientInfo"] = new JsonObject { ["name"] = "stdio-test" } }));
        var initialized = await server.WaitForAsync(m => IsResponse(m, 1), "the initialize response");
        await server.SendAsync(Notification("initialized", new JsonObject()));
        await server.SendAsync(Notification("textDocument/didOpen", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "yaml", ["version"] = 1, ["text"] = text },
        }));
        var published = await server.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == "textDocument/publishDiagnostics", "publishDiagnostics");
        await server.SendAsync(Request(2, "shutdown", null));
        var shutdown = await server.WaitForAsync(m => IsResponse(m, 2), "the shutdown response");
        await server.SendAsync(Notification("exit", null));
        var exitCode = await server.ExitCodeAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal("dstack-language-server", initialized.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.Equal(uri, published.GetProperty("params").GetProperty("uri").GetString());
        var diagnostics = ExpectedDiagnostic.FromLsp(published.GetProperty("params").GetProperty("diagnostics"));
        Assert.Equal(ExpectedDiagnostic.FromValidator(path, text), diagnostics);
        Assert.Equal(["DSTK2003", "DSTK2001"], diagnostics.Select(d => d.Code));
        Assert.Equal(JsonValueKind.Null, shutdown.GetProperty("result").ValueKind);
        // stdout was read to its end as frames: a stray byte (a log line, a Console.WriteLine) would have failed the reader.
        Assert.Null(server.StdoutError);
        Assert.All(server.Received(), m => Assert.Equal("2.0", m.GetProperty("jsonrpc").GetString()));
        var logged = server.Received().Where(m => m.TryGetProperty("method", out var method) && method.GetString() == "window/logMessage").ToList();
        Assert.Equal(3, server.Received().Count - logged.Count);
        var notice = Assert.Single(logged).GetProperty("params");
        Assert.Equal(3, notice.GetProperty("type").GetInt32());
        Assert.Contains("initialized by stdio-test", notice.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("initialized by stdio-test", await server.StderrAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_InputClosedWithoutShutdown_ExitsOne()
    {
        await using var server = ServerProcess.Start("--stdio");

        await server.SendAsync(Request(1, "initialize", new JsonObject { ["capabilities"] = new JsonObject() }));
        await server.WaitForAsync(m => IsResponse(m, 1), "the initialize response");
        await server.CloseInputAsync();

        Assert.Equal(1, await server.ExitCodeAsync());
        Assert.Null(server.StdoutError);
    }

    private static bool IsResponse(JsonElement message, int id) =>
        message.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt32() == id && !message.TryGetProperty("method", out _);

    private static JsonObject Request(int id, string method, JsonNode? parameters)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        return message;
    }

    private static JsonObject Notification(string method, JsonNode? parameters)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        return message;
    }
}
