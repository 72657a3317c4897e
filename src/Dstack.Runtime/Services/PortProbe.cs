using System.Net.Sockets;

namespace Dstack.Runtime.Services;

/// <summary>
/// Whether something answers on a replica's port as the endpoint reaches it: the port itself, or the local end of an
/// SSH forward (<c>ssh -L</c>). A forward takes every connection and closes it at once when its far end refuses, so a
/// connection closed within a moment counts as refused.
/// </summary>
internal static class PortProbe
{
    /// <summary>How long a connection must stay open to count as answered (a forward closes a refused one sooner).</summary>
    private static readonly TimeSpan CloseWindow = TimeSpan.FromMilliseconds(300);

    /// <summary>True when <paramref name="host"/>:<paramref name="port"/> takes a connection and keeps it open; false when it refuses, closes it at once or takes over 2 seconds to connect.</summary>
    public static async Task<bool> AnswersAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }

        var buffer = new byte[1];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(CloseWindow);
        try
        {
            return await client.GetStream().ReadAsync(buffer, wait.Token).ConfigureAwait(false) > 0;
        }
        catch (OperationCanceledException)
        {
            return !cancellationToken.IsCancellationRequested;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
