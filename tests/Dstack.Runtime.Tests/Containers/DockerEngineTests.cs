using System.Net;
using System.Net.Sockets;
using System.Text;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Tests.Runs.Environment;

namespace Dstack.Runtime.Tests.Containers;

public sealed class DockerEngineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly FakePrograms _fakes = new();
    private readonly string _socketPath = Path.Combine(Path.GetTempPath(), $"dstack-{Guid.NewGuid():N}"[..20] + ".sock");

    [Fact]
    public void Probe_NoSocketFile_IsUnavailableBecauseItDoesNotExist()
    {
        var probe = DockerEngine.Probe($"unix://{_socketPath}", DockerCliFolder(), Timeout);

        Assert.False(probe.Available);
        Assert.Equal($"no Docker engine answers at {_socketPath} (the socket does not exist)", probe.Reason);
    }

    [Fact]
    public void Probe_SocketFileWithoutListener_IsUnavailableBecauseRefused()
    {
        // A stopped engine leaves its socket file behind: bound once, nobody listening now. .NET deletes the file it
        // bound when the socket closes, so the file is moved to the probed path first.
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(_socketPath + ".bound"));
            File.Move(_socketPath + ".bound", _socketPath);
        }

        Assert.True(File.Exists(_socketPath));

        var probe = DockerEngine.Probe(_socketPath, DockerCliFolder(), Timeout);

        Assert.False(probe.Available);
        Assert.Equal($"no Docker engine answers at {_socketPath} (connection refused: the engine is not running)", probe.Reason);
    }

    [Fact]
    public async Task Probe_EngineAnsweringPing_IsAvailable()
    {
        var cli = DockerCliFolder();
        var server = Serve("HTTP/1.1 200 OK\r\nApi-Version: 1.45\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nOK");

        var probe = DockerEngine.Probe($"unix://{_socketPath}", cli, Timeout);

        Assert.True(probe.Available, probe.Reason);
        Assert.Equal(Path.Combine(cli, "docker"), probe.CliPath);
        Assert.StartsWith($"a Docker engine answers at {_socketPath}", probe.Reason, StringComparison.Ordinal);
        var request = await server.WaitAsync(Timeout);
        Assert.StartsWith("GET /_ping HTTP/1.1\r\n", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ChunkedPingAnswerKeptOpen_IsAvailable()
    {
        var server = Serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n", close: false);

        var probe = DockerEngine.Probe(_socketPath, DockerCliFolder(), Timeout);

        Assert.True(probe.Available, probe.Reason);
        await server.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Probe_SomethingElseAnswering_IsUnavailable()
    {
        var server = Serve("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nfail");

        var probe = DockerEngine.Probe(_socketPath, DockerCliFolder(), Timeout);

        Assert.False(probe.Available);
        Assert.Contains("answered /_ping with \"HTTP/1.1 500 Internal Server Error\" instead of 200 OK", probe.Reason, StringComparison.Ordinal);
        await server.WaitAsync(Timeout);
    }

    [Fact]
    public void Probe_ListenerThatNeverAnswers_GivesUpAfterTheTimeout()
    {
        using var listener = Listen();

        var probe = DockerEngine.Probe(_socketPath, DockerCliFolder(), TimeSpan.FromMilliseconds(300));

        Assert.False(probe.Available);
        Assert.EndsWith("(no answer within 0.3 s)", probe.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_EngineButNoDockerCommand_IsAvailable_JobsTalkToTheApi()
    {
        var server = Serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");

        var probe = DockerEngine.Probe(_socketPath, _fakes.Folder("empty"), Timeout);

        Assert.True(probe.Available, probe.Reason);
        Assert.Null(probe.CliPath);
        await server.WaitAsync(Timeout);
    }

    [Fact]
    public void Probe_SshDockerHost_IsUnavailable_WithWhatToDo()
    {
        var probe = DockerEngine.Probe("ssh://me@gpu-box", null, Timeout);

        Assert.False(probe.Available);
        Assert.Contains("DOCKER_HOST=ssh://me@gpu-box is not an engine this tool can talk to", probe.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_NoEngine_SaysWhyWhateverTheCommand()
    {
        var probe = DockerEngine.Probe(_socketPath, null, Timeout);

        Assert.False(probe.Available);
        Assert.Equal($"no Docker engine answers at {_socketPath} (the socket does not exist)", probe.Reason);
    }

    [Fact]
    public void Probe_TcpHost_NeedsAnAcceptedConnection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.True(DockerEngine.Probe($"tcp://127.0.0.1:{port}", DockerCliFolder(), Timeout).Available);

        // A port bound but never listening refuses connections, and no other test can take it meanwhile (a port freed
        // by stopping the listener could be: then the probe met that test's listener).
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        var closed = DockerEngine.Probe($"tcp://127.0.0.1:{closedPort}", DockerCliFolder(), Timeout);
        Assert.False(closed.Available);
        Assert.Contains("connection refused", closed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorMessage_Image_NamesTheReasonAndTheWaysOut()
    {
        var probe = new DockerProbe(false, null, "no Docker engine answers at /run/nothing.sock (the socket does not exist)");

        Assert.Equal(
            "image: \"nvcr.io/nvidia/pytorch:24.01-py3\" needs a Docker engine to run on the local backend, but no Docker engine answers at /run/nothing.sock (the socket does not exist). " +
            "Install and start Docker, or remove image: (and use python: instead) to run directly on this machine.",
            probe.ErrorMessage("nvcr.io/nvidia/pytorch:24.01-py3"));
        Assert.Equal(DiagnosticCodes.DockerUnavailable, probe.ToDiagnostic("x", "t.dstack.yml", SourceSpan.FileStart).Code);
    }

    public void Dispose()
    {
        File.Delete(_socketPath);
        _fakes.Dispose();
    }

    private string DockerCliFolder()
    {
        var folder = Path.Combine(_fakes.Root, "cli");
        if (!File.Exists(Path.Combine(folder, "docker")))
        {
            FakePrograms.Script(_fakes.Folder("cli"), "docker", "exit 0");
        }

        return folder;
    }

    private Socket Listen()
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_socketPath));
        listener.Listen(1);
        return listener;
    }

    /// <summary>A one-request HTTP server on the socket; the task gives the request it received.</summary>
    private Task<string> Serve(string response, bool close = true)
    {
        var listener = Listen();
        return Task.Run(async () =>
        {
            using (listener)
            {
                using var cancel = new CancellationTokenSource(Timeout);
                using var connection = await listener.AcceptAsync(cancel.Token);
                var request = new StringBuilder();
                var buffer = new byte[1024];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var count = await connection.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                    if (count == 0)
                    {
                        break;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, count));
                }

                await connection.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None, cancel.Token);
                if (!close)
                {
                    // Keep the connection open until the client hangs up: the client must stop at the end of the body.
                    await connection.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                }

                return request.ToString();
            }
        });
    }
}
