using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>The requests being handled: their cancellation, for <c>$/cancelRequest</c>, and their ends, to wait for at exit.</summary>
internal sealed class PendingRequests
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RequestId, (CancellationTokenSource Cancellation, TaskCompletionSource Done)> _requests = [];

    /// <summary>False when a request with this id is still being handled.</summary>
    public bool TryStart(RequestId id, CancellationTokenSource cancellation)
    {
        lock (_gate)
        {
            return _requests.TryAdd(id, (cancellation, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
    }

    /// <summary>Cancels the request's token; false when no such request is pending (already answered, or never sent).</summary>
    public bool Cancel(RequestId id)
    {
        CancellationTokenSource cancellation;
        lock (_gate)
        {
            if (!_requests.TryGetValue(id, out var entry))
            {
                return false;
            }

            cancellation = entry.Cancellation;
        }

        try
        {
            cancellation.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Finish(RequestId id)
    {
        lock (_gate)
        {
            if (_requests.Remove(id, out var entry))
            {
                entry.Done.SetResult();
                entry.Cancellation.Dispose();
            }
        }
    }

    /// <summary>Cancels every pending request, and completes when all have finished.</summary>
    public Task CancelAllAsync()
    {
        List<RequestId> ids;
        Task[] done;
        lock (_gate)
        {
            ids = [.. _requests.Keys];
            done = [.. _requests.Values.Select(r => r.Done.Task)];
        }

        foreach (var id in ids)
        {
            Cancel(id);
        }

        return Task.WhenAll(done);
    }
}
