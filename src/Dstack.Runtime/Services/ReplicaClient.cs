using System.Net.Sockets;

namespace Dstack.Runtime.Services;

/// <summary>
/// Sends a request the endpoint makes itself (a translated model request, built afresh for each try from a buffered
/// body) to the next replica in turn, skipping a replica the request reached no app at, as the forwarder does: its
/// port refuses, or the request failed before any answer header and the port does not answer now (a replica that just
/// died, or an SSH forward whose far end refuses: it takes the connection and closes it without an answer). A request
/// that failed at a replica that still answers may have reached its app and is not sent again
/// (<see cref="ReplicaFailedException"/>). Null when no replica answers.
/// </summary>
internal sealed class ReplicaClient(ReplicaSet replicas, HttpMessageInvoker client)
{
    /// <summary>The first replica's answer (headers read, body still streaming) and how many replicas were tried; no answer when none took it.</summary>
    /// <exception cref="ReplicaFailedException">A replica failed the request before answering and still answers on its port.</exception>
    public async Task<(HttpResponseMessage? Response, int Tried)> SendAsync(Func<Uri, HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var tried = new List<int>();
        while (replicas.Next(tried) is { } replica)
        {
            tried.Add(replica.Number);
            using var message = request(replica.Address);
            Exception failure;
            try
            {
                // The invoker returns once the answer's headers are read, so a failure here means no answer arrived.
                var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
                replicas.Answered(replica);
                return (response, tried.Count);
            }
            catch (HttpRequestException e) when (IsRefused(e))
            {
                replicas.Refused(replica);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Ended without an answer, or the connection was not made within the connect timeout.
                failure = e;
            }

            if (await PortProbe.AnswersAsync(replica.Address.Host, replica.Address.Port, cancellationToken).ConfigureAwait(false))
            {
                throw new ReplicaFailedException(replica.Number, failure);
            }

            // Nothing answers there now, so the request reached no app: the next replica may have it.
            replicas.Refused(replica);
        }

        return (null, tried.Count);
    }

    /// <summary>Whether <paramref name="e"/>, or an exception inside it, is a connection the replica's port refused.</summary>
    internal static bool IsRefused(Exception? e)
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
