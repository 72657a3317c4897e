using System.Globalization;
using System.Text.Json;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// The requests the server has sent to the client and not yet had answered. Their ids are strings (<c>"s1"</c>,
/// <c>"s2"</c>...), so that they can never be taken for the client's own ids, which clients number.
/// </summary>
internal sealed class OutgoingRequests
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RequestId, (string Method, TaskCompletionSource<JsonElement> Answer)> _waiting = [];
    private long _last;
    private bool _closed;

    /// <summary>A fresh id, and the task that the answer to it completes.</summary>
    public (RequestId Id, Task<JsonElement> Answer) Start(string method)
    {
        var id = new RequestId(string.Create(CultureInfo.InvariantCulture, $"s{Interlocked.Increment(ref _last)}"));
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_closed)
            {
                answer.SetException(Ended(method));
            }
            else
            {
                _waiting.Add(id, (method, answer));
            }
        }

        return (id, answer.Task);
    }

    /// <summary>Completes the request with its result; false when no request with this id is waiting.</summary>
    public bool Complete(RequestId id, JsonElement result) => Take(id) is { } entry && entry.Answer.TrySetResult(result);

    /// <summary>Fails the request with the client's error; false when no request with this id is waiting.</summary>
    public bool Fail(RequestId id, ResponseError error) =>
        Take(id) is { } entry && entry.Answer.TrySetException(new ClientErrorException(entry.Method, error));

    /// <summary>Stops waiting for this id (timed out, cancelled, or never sent): a late answer is then ignored.</summary>
    public void Forget(RequestId id) => Take(id);

    /// <summary>At the end of the session: every request still waiting fails, and new ones fail at once.</summary>
    public void Close()
    {
        List<(string Method, TaskCompletionSource<JsonElement> Answer)> left;
        lock (_gate)
        {
            _closed = true;
            left = [.. _waiting.Values];
            _waiting.Clear();
        }

        foreach (var (method, answer) in left)
        {
            answer.TrySetException(Ended(method));
        }
    }

    private (string Method, TaskCompletionSource<JsonElement> Answer)? Take(RequestId id)
    {
        lock (_gate)
        {
            return _waiting.Remove(id, out var entry) ? entry : null;
        }
    }

    private static OperationCanceledException Ended(string method) => new($"the session ended before the client answered '{method}'");
}
