using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Containers;

/// <summary>
/// Docker on the local machine: whether an engine answers (<see cref="Probe(TimeSpan)"/>), and the engine's API
/// (<see cref="Connect(IReadOnlyDictionary{string, string})"/>) that jobs with an <c>image</c> run through (<see cref="ContainerJob"/>).
/// </summary>
public static partial class DockerEngine
{
    /// <summary>The engine's socket when <c>DOCKER_HOST</c> is not set.</summary>
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>Probes the engine named by this process's <c>DOCKER_HOST</c> (else <see cref="DefaultSocket"/>).</summary>
    public static DockerProbe Probe(TimeSpan timeout) =>
        Probe(System.Environment.GetEnvironmentVariable("DOCKER_HOST"), System.Environment.GetEnvironmentVariable("PATH"), timeout);

    /// <summary>
    /// Probes the engine at <paramref name="dockerHost"/> (and notes where <c>docker</c> is on <paramref name="pathVariable"/>:
    /// jobs do not need the command, they talk to the engine's API).
    /// <list type="bullet">
    /// <item>A unix socket (<c>unix:///path</c>, a plain <c>/path</c>, or nothing for <see cref="DefaultSocket"/>) gets a
    /// real <c>GET /_ping</c>; the engine must answer <c>200</c> with <c>OK</c>. A file being there proves nothing: a
    /// stopped engine leaves its socket behind.</item>
    /// <item><c>tcp://host:port</c> only has to accept a connection.</item>
    /// <item>Other schemes (<c>ssh://</c>) cannot be used (<see cref="Connect(IReadOnlyDictionary{string, string})"/> says what to do instead).</item>
    /// </list>
    /// </summary>
    public static DockerProbe Probe(string? dockerHost, string? pathVariable, TimeSpan timeout)
    {
        var cli = SearchPath.Find("docker", pathVariable);
        var engine = ProbeEngine(string.IsNullOrWhiteSpace(dockerHost) ? DefaultSocket : dockerHost.Trim(), timeout);
        return new DockerProbe(engine.Answers, cli, engine.Reason);
    }

    private static (bool Answers, string Reason) ProbeEngine(string host, TimeSpan timeout)
    {
        if (host.StartsWith("unix://", StringComparison.Ordinal) || host.StartsWith('/'))
        {
            var socketPath = host.StartsWith('/') ? host : host["unix://".Length..];
            return PingUnixSocket(socketPath, timeout);
        }

        if (host.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            return Connect(uri.Host, uri.Port > 0 ? uri.Port : 2375, timeout);
        }

        return (false, $"DOCKER_HOST={host} is not an engine this tool can talk to (only unix:// and tcp://); unset DOCKER_HOST, or forward the engine's socket to a local one");
    }

    private static (bool Answers, string Reason) PingUnixSocket(string socketPath, TimeSpan timeout)
    {
        var nobody = $"no Docker engine answers at {socketPath}";
        if (!File.Exists(socketPath))
        {
            return (false, $"{nobody} (the socket does not exist)");
        }

        using var cancel = new CancellationTokenSource(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel.Token).AsTask().GetAwaiter().GetResult();
            var response = Exchange(socket, cancel.Token).GetAwaiter().GetResult();
            return IsPingAnswer(response)
                ? (true, $"a Docker engine answers at {socketPath}")
                : (false, $"{nobody} (something there answered /_ping with \"{FirstLine(response)}\" instead of 200 OK)");
        }
        catch (OperationCanceledException)
        {
            return (false, $"{nobody} (no answer within {Seconds(timeout)})");
        }
        catch (SocketException e)
        {
            return (false, $"{nobody} ({Words(e)})");
        }
    }

    private static (bool Answers, string Reason) Connect(string host, int port, TimeSpan timeout)
    {
        var nobody = $"no Docker engine answers at tcp://{host}:{port}";
        using var cancel = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        try
        {
            client.ConnectAsync(host, port, cancel.Token).AsTask().GetAwaiter().GetResult();
            return (true, $"a Docker engine accepts connections at tcp://{host}:{port}");
        }
        catch (OperationCanceledException)
        {
            return (false, $"{nobody} (no answer within {Seconds(timeout)})");
        }
        catch (SocketException e)
        {
            return (false, $"{nobody} ({Words(e)})");
        }
    }

    /// <summary>Sends <c>GET /_ping</c> and reads the answer: to its Content-Length, the end of a chunked body, or the close.</summary>
    private static async Task<string> Exchange(Socket socket, CancellationToken cancel)
    {
        var request = "GET /_ping HTTP/1.1\r\nHost: docker\r\nUser-Agent: dstack\r\nConnection: close\r\n\r\n"u8.ToArray();
        await socket.SendAsync(request, SocketFlags.None, cancel).ConfigureAwait(false);
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (received.Length < 16 * 1024)
        {
            var count = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false);
            if (count == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, count));
            if (IsComplete(received.ToString()))
            {
                break;
            }
        }

        return received.ToString();
    }

    private static bool IsComplete(string response)
    {
        var headersEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headersEnd < 0)
        {
            return false;
        }

        var headers = response[..headersEnd];
        var body = response[(headersEnd + 4)..];
        var length = ContentLength().Match(headers);
        if (length.Success)
        {
            return body.Length >= int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return body.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    internal static bool IsPingAnswer(string response)
    {
        var headersEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return headersEnd >= 0 &&
            StatusOk().IsMatch(FirstLine(response)) &&
            response[(headersEnd + 4)..].Contains("OK", StringComparison.Ordinal);
    }

    private static string FirstLine(string response)
    {
        var end = response.IndexOf('\r', StringComparison.Ordinal);
        var line = end < 0 ? response : response[..end];
        return line.Length == 0 ? "nothing" : line;
    }

    private static string Words(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused: the engine is not running",
        SocketError.AccessDenied => "permission denied: add your user to the docker group, then log in again",
        SocketError.AddressNotAvailable => "the socket does not exist",
        SocketError.HostNotFound or SocketError.NoData => "the host name is not known",
        SocketError.TimedOut => "the connection timed out",
        _ => e.Message,
    };

    private static string Seconds(TimeSpan timeout) => string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.#} s");

    [GeneratedRegex(@"(?im)^content-length:\s*(\d+)\s*$")]
    private static partial Regex ContentLength();

    [GeneratedRegex(@"^HTTP/1\.[01] 200\b")]
    private static partial Regex StatusOk();
}
