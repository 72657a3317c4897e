using System.Net;
using System.Net.Sockets;

namespace Dstack.Cli.Tests.Runs;

/// <summary>Ports and HTTP on 127.0.0.1, for tests of forwarded ports.</summary>
public static class Loopback
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);

            // With nothing listening, a connect to an ephemeral port can pick that same port as its source and
            // connect to itself (TCP simultaneous open): that is not a listener.
            return ((IPEndPoint)client.Client.LocalEndPoint!).Port != port;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>GETs <paramref name="url"/>, trying again for up to 20 s while nothing answers yet (the job is starting).</summary>
    public static async Task<string> GetWithRetriesAsync(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
