using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>
/// The built server as a real process (<c>dotnet dstack-language-server.dll ...</c>), as an editor starts it. Everything it
/// writes to stdout is read back as frames; a byte that is not part of a frame fails the read.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public static readonly string ServerDll = Path.Combine(AppContext.BaseDirectory, "dstack-language-server.dll");

    private readonly Process _process;
    private readonly MessageWriter _writer;
    private readonly Task _stdout;
    private readonly Task<string> _stderr;
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _received = [];

    private ServerProcess(Process process)
    {
        _process = process;
        _writer = new MessageWriter(process.StandardInput.BaseStream);
        _stdout = Task.Run(ReadStdoutAsync);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Set once stdout has ended: the frames read, or the error that proved it held something else.</summary>
    public Exception? StdoutError { get; private set; }

    public static ServerProcess Start(params string[] args)
    {
        Assert.True(File.Exists(ServerDll), $"{ServerDll} is missing: the test project must reference Dstack.LanguageServer");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new ServerProcess(Process.Start(start)!);
    }

    public Task SendAsync(JsonObject message) =>
        _writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(message.ToJsonString())).AsTask();

    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what)
    {
        var found = default(JsonElement);
        await Bounded.UntilAsync(
            () =>
            {
                lock (_gate)
                {
                    var index = _received.FindIndex(m => match(m));
                    found = index >= 0 ? _received[index] : default;
                    return index >= 0 || _stdout.IsCompleted;
                }
            },
            what);
        if (found.ValueKind == JsonValueKind.Undefined)
        {
            await DisposeAsync();
            Assert.Fail($"stdout ended before {what}; stdout error: {StdoutError?.Message ?? _stdout.Exception?.ToString()}; stderr:\n{await StderrAsync()}");
        }

        return found;
    }

    /// <summary>Closes the server's stdin, as a client that dies does.</summary>
    public async Task CloseInputAsync()
    {
        await _process.StandardInput.BaseStream.FlushAsync();
        _process.StandardInput.Close();
    }

    /// <summary>Waits for the process to end and for stdout to be read to its end; returns the exit code.</summary>
    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Bounded.Limit);
        await _stdout.WaitAsync(Bounded.Limit);
        return _process.ExitCode;
    }

    public Task<string> StderrAsync() => _stderr.WaitAsync(Bounded.Limit);

    public IReadOnlyList<JsonElement> Received()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(Bounded.Limit);
        }

        _writer.Dispose();
        _process.Dispose();
    }

    private async Task ReadStdoutAsync()
    {
        try
        {
            var reader = new MessageReader(_process.StandardOutput.BaseStream);
            while (await reader.ReadAsync() is { } body)
            {
                var message = JsonDocument.Parse(body).RootElement;
                lock (_gate)
                {
                    _received.Add(message);
                }
            }
        }
        catch (Exception e) when (e is FramingException or JsonException)
        {
            StdoutError = e;
        }
    }
}
