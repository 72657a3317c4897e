using System.Net.Sockets;

namespace Dstack.Runtime.Services;

/// <summary>
/// Sends a request the endpoint makes itself (a translated model request) to the next replica in turn, skipping a
/// replica whose port refuses as the forwarder does. Null when no replica answers.
/// </summary>
internal sealed class ReplicaClient(ReplicaSet replicas, HttpMessageInvoker client)
{
    /// <summary>The first replica's answer (headers read, body still streaming) and how many replicas were tried; no answer when none took it.</summary>
    public async Task<(HttpResponseMessage? Response, int Tried)> SendAsync(Func<Uri, HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var tried = new List<int>();
        while (replicas.Next(tried) is { } replica)
        {
            tried.Add(replica.Number);
            var message = request(replica.Address);
            try
            {
                var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
                replicas.Answered(replica);
                return (response, tried.Count);
            }
            catch (HttpRequestException e) when (Refused(e))
            {
                replicas.Refused(replica);
                message.Dispose();
            }
        }

        return (null, tried.Count);
    }

    private static bool Refused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }
}
