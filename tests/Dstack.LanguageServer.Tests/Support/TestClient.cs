using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>
/// A small LSP client for tests: runs a <see cref="ServerSession"/> in this process over two in-memory pipes, sends
/// framed JSON-RPC, and keeps every message the server sends, for tests to wait on (always within <see cref="Bounded.Limit"/>).
/// </summary>
public sealed class TestClient : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly Stream _output;
    private readonly MessageWriter _writer;
    private readonly Connection _connection;
    private readonly ServerSession _session;
    private readonly Task<int> _exitCode;
    private readonly Task _listening;
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _received = [];
    private int _nextId;

    public TestClient(DispatchTable? table = null, int maxMessageBytes = MessageReader.DefaultMaxMessageBytes)
    {
        _output = _toServer.Writer.AsStream();
        _writer = new MessageWriter(_output);
        _connection = new Connection(_toServer.Reader.AsStream(), _toClient.Writer.AsStream(), maxMessageBytes);
        _session = new ServerSession(_connection, table ?? DstackHandlers.Create(), Stderr);
        _exitCode = Task.Run(() => _session.RunAsync());
        _listening = Task.Run(ListenAsync);
    }

    /// <summary>What the server wrote to its stderr.</summary>
    public StringWriter Stderr { get; } = new LockedStringWriter();

    /// <summary>The server's state, for checks that the protocol does not show (the text of a document).</summary>
    public ServerContext Server => _session.Context;

    /// <summary>How this client answers the server's requests; <see cref="TestReply.Default"/> unless a test sets another.</summary>
    public Func<string, JsonElement?, Task<TestReply>> Responder { get; set; } = TestReply.Default;

    /// <summary>
    /// A client that has done <c>initialize</c> and <c>initialized</c>, declaring <paramref name="capabilities"/> (none
    /// by default) and <paramref name="processId"/> as the editor's process (none by default).
    /// </summary>
    public static async Task<TestClient> InitializedAsync(DispatchTable? table = null, object? capabilities = null, int? processId = null)
    {
        var client = new TestClient(table);
        await client.ResultAsync("initialize", new { processId, capabilities = capabilities ?? new { }, clientInfo = new { name = "tests" } });
        await client.NotifyAsync("initialized", new { });
        return client;
    }

    /// <summary>Sends a request and returns the whole response message.</summary>
    public async Task<JsonElement> RequestAsync(string method, object? parameters = null, JsonNode? id = null)
    {
        id ??= Interlocked.Increment(ref _nextId);
        var idText = id.ToJsonString();
        await SendAsync(Message(method, parameters, id));
        return await ResponseAsync(idText);
    }

    public async Task<JsonElement> ResultAsync(string method, object? parameters = null)
    {
        var response = await RequestAsync(method, parameters);
        Assert.True(response.TryGetProperty("result", out var result), $"'{method}' failed: {response}");
        return result;
    }

    /// <summary>The error of a request that must fail.</summary>
    public async Task<JsonElement> ErrorAsync(string method, object? parameters = null)
    {
        var response = await RequestAsync(method, parameters);
        Assert.True(response.TryGetProperty("error", out var error), $"'{method}' should have failed: {response}");
        Assert.False(response.TryGetProperty("result", out _), $"a response has a result or an error, never both: {response}");
        return error;
    }

    public Task NotifyAsync(string method, object? parameters = null) => SendAsync(Message(method, parameters, id: null));

    /// <summary>Sends one frame whose body is <paramref name="json"/>, whatever it holds.</summary>
    public Task SendAsync(string json) => _writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json)).AsTask();

    /// <summary>Sends bytes as they are, with no framing added.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _output.WriteAsync(bytes);
        await _output.FlushAsync();
    }

    /// <summary>The response whose id is <paramref name="idJson"/> (such as <c>7</c>, <c>"a"</c> or <c>null</c>).</summary>
    public Task<JsonElement> ResponseAsync(string idJson) =>
        WaitForAsync(m => !m.TryGetProperty("method", out _) && m.TryGetProperty("id", out var id) && id.GetRawText() == idJson, $"the response to id {idJson}");

    /// <summary>The params of the first <c>publishDiagnostics</c> for <paramref name="uri"/> with this version (null: the clearing one).</summary>
    public async Task<JsonElement> DiagnosticsAsync(string uri, int? version)
    {
        var message = await WaitForAsync(
            m => IsNotification(m, "textDocument/publishDiagnostics", out var p) && p.GetProperty("uri").GetString() == uri &&
                (p.TryGetProperty("version", out var v) ? v.GetInt32() == version : version is null),
            $"diagnostics of {uri} version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}");
        return message.GetProperty("params");
    }

    /// <summary>Every response received so far whose id is <paramref name="idJson"/>.</summary>
    public IReadOnlyList<JsonElement> ResponsesTo(string idJson)
    {
        lock (_gate)
        {
            return [.. _received.Where(m => !m.TryGetProperty("method", out _) && m.TryGetProperty("id", out var id) && id.GetRawText() == idJson)];
        }
    }

    /// <summary>The params of every notification of <paramref name="method"/> received so far.</summary>
    public IReadOnlyList<JsonElement> Notifications(string method)
    {
        lock (_gate)
        {
            return [.. _received.Where(m => IsNotification(m, method, out _)).Select(m => m.GetProperty("params"))];
        }
    }

    /// <summary>The requests the server has sent to this client so far, of <paramref name="method"/> (every one when null).</summary>
    public IReadOnlyList<JsonElement> ServerRequests(string? method = null)
    {
        lock (_gate)
        {
            return [.. _received.Where(m => IsServerRequest(m) && (method is null || m.GetProperty("method").GetString() == method))];
        }
    }

    /// <summary>The warnings and errors the server has logged to the client (<c>window/logMessage</c> of type 1 or 2) so far.</summary>
    public IReadOnlyList<JsonElement> Problems() =>
        [.. Notifications("window/logMessage").Where(p => p.GetProperty("type").GetInt32() <= 2)];

    /// <summary>The first warning or error the server logs to the client: the whole notification.</summary>
    public Task<JsonElement> ProblemAsync() => WaitForAsync(
        m => IsNotification(m, "window/logMessage", out var p) && p.GetProperty("type").GetInt32() <= 2,
        "a logMessage with a warning or an error");

    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what)
    {
        var found = default(JsonElement);
        await Bounded.UntilAsync(
            () =>
            {
                lock (_gate)
                {
                    var hit = _received.FindIndex(m => match(m));
                    if (hit >= 0)
                    {
                        found = _received[hit];
                    }

                    return hit >= 0;
                }
            },
            () => $"{what}; received so far:\n{string.Join('\n', Snapshot())}\nstderr:\n{Stderr}");
        return found;
    }

    /// <summary>Ends the input (as a client that dies does) and returns the server's exit code.</summary>
    public async Task<int> CloseAndExitCodeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        return await ExitCodeAsync();
    }

    public Task<int> ExitCodeAsync() => _exitCode.WaitAsync(Bounded.Limit);

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        try
        {
            await _exitCode.WaitAsync(Bounded.Limit);
        }
        finally
        {
            await _toClient.Writer.CompleteAsync();
            await _listening.WaitAsync(Bounded.Limit);
            _session.Dispose();
            _connection.Dispose();
            _writer.Dispose();
        }
    }

    private static bool IsNotification(JsonElement message, string method, out JsonElement parameters)
    {
        parameters = default;
        return !message.TryGetProperty("id", out _) && message.TryGetProperty("method", out var m) && m.GetString() == method &&
            message.TryGetProperty("params", out parameters);
    }

    private static bool IsServerRequest(JsonElement message) => message.TryGetProperty("id", out _) && message.TryGetProperty("method", out _);

    private static string Message(string method, object? parameters, JsonNode? id)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0" };
        if (id is not null)
        {
            message["id"] = id;
        }

        message["method"] = method;
        if (parameters is not null)
        {
            message["params"] = parameters as JsonNode ?? JsonSerializer.SerializeToNode(parameters);
        }

        return message.ToJsonString();
    }

    private List<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _received.Select(m => m.GetRawText())];
        }
    }

    private async Task ListenAsync()
    {
        var reader = new MessageReader(_toClient.Reader.AsStream());
        while (await reader.ReadAsync() is { } body)
        {
            var message = JsonDocument.Parse(body).RootElement;
            lock (_gate)
            {
                _received.Add(message);
            }

            if (IsServerRequest(message))
            {
                // Not awaited: a responder may take its time, and the server's other messages must still be read meanwhile.
                _ = AnswerAsync(message);
            }
        }
    }

    private async Task AnswerAsync(JsonElement request)
    {
        var reply = await Responder(request.GetProperty("method").GetString()!, request.TryGetProperty("params", out var p) ? p : null);
        if (reply.Silent)
        {
            return;
        }

        var answer = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(request.GetProperty("id").GetRawText()) };
        if (reply.ErrorCode is { } code)
        {
            answer["error"] = new JsonObject { ["code"] = code, ["message"] = reply.ErrorMessage ?? "error" };
        }
        else
        {
            answer["result"] = reply.Result;
        }

        try
        {
            await SendAsync(answer.ToJsonString());
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The test has ended the conversation; the server no longer waits for this answer.
        }
    }
}
