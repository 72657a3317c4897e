namespace Dstack.LanguageServer.Server;

/// <summary>
/// Asks the client to ask again for something it keeps per document: diagnostics it pulls
/// (<c>workspace/diagnostic/refresh</c>, when another file has changed what a document's problems are) or code lenses
/// (<c>workspace/codeLens/refresh</c>, when a run's endpoints changed). One request at a time, never awaited by the caller (a notification
/// handler holds the reading loop that would read the answer): asks made while one is on its way are answered by
/// one more request after it, so the last change is always pulled.
/// </summary>
/// <param name="method">The refresh request: <c>workspace/diagnostic/refresh</c> or <c>workspace/codeLens/refresh</c>.</param>
public sealed class ClientRefresh(ClientChannel client, ServerLog log, string method)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private bool _sending;
    private bool _again;

    public void Request()
    {
        lock (_gate)
        {
            if (_sending)
            {
                _again = true;
                return;
            }

            _sending = true;
        }

        _ = Task.Run(SendAsync);
    }

    private async Task SendAsync()
    {
        while (true)
        {
            try
            {
                await client.RequestWithoutParamsAsync(method, timeout: AnswerTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ClientErrorException or TimeoutException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                log.Info($"{method}: {e.Message}");
            }

            lock (_gate)
            {
                if (!_again)
                {
                    _sending = false;
                    return;
                }

                _again = false;
            }
        }
    }
}
