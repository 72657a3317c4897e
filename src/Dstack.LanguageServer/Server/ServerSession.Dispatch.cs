using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>Requests run concurrently, each with its own cancellation; notifications run in order, on the loop.</summary>
public sealed partial class ServerSession
{
    private void StartRequest(RequestMessage request)
    {
        if (Lifecycle.AdmitRequest(request.Method) is { } refusal)
        {
            _ = ReportAsync(request.Id, refusal);
            return;
        }

        if (_table.FindRequest(request.Method) is not { } handler)
        {
            Refuse(request, new ResponseError(ErrorCodes.MethodNotFound, $"method not found: '{request.Method}' is not a request this server handles"));
            return;
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        if (!_pending.TryStart(request.Id, cancellation))
        {
            cancellation.Dispose();
            Refuse(request, new ResponseError(ErrorCodes.InvalidRequest, $"invalid request: a request with id {request.Id} is still being handled; ids must be unique"));
            return;
        }

        // Not awaited: the handler runs on the thread pool (initialize and the quick answers on this loop), and the loop reads on.
        _ = RunRequestAsync(request, handler, cancellation.Token);
    }

    /// <summary>Answers an admitted request that cannot run; an <c>initialize</c> refused so leaves the server uninitialized.</summary>
    private void Refuse(RequestMessage request, ResponseError error)
    {
        if (request.Method == Methods.Initialize)
        {
            Lifecycle.CompleteInitialize(succeeded: false);
        }

        _ = ReportAsync(request.Id, error);
    }

    private async Task RunRequestAsync(RequestMessage request, IRequestHandler handler, CancellationToken cancellation)
    {
        System.Text.Json.JsonElement? result = null;
        PooledJson? json = null;
        ResponseError? error = null;
        try
        {
            // Off the read loop: the loop goes on reading (a $/cancelRequest, the next edit) while the handler runs.
            // initialize stays on it, so that nothing else is read before the server knows what the client can do;
            // so do the quick answers (completion, hover), for which the hop to a pool thread cost more than the work.
            if (request.Method != Methods.Initialize && !handler.RunsOnReadLoop)
            {
                await Task.Yield();
            }

            if (handler is IJsonResultHandler direct)
            {
                json = await direct.HandleToJsonAsync(request.Params, Context, cancellation).ConfigureAwait(false);
            }
            else
            {
                result = await handler.HandleAsync(request.Params, Context, cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            error = new ResponseError(ErrorCodes.RequestCancelled, $"request cancelled: '{request.Method}' (id {request.Id})");
        }
        catch (JsonRpcException e)
        {
            error = new ResponseError(e.Code, e.Message);
        }
        catch (Exception e)
        {
            error = new ResponseError(ErrorCodes.InternalError, $"internal error while handling '{request.Method}': {e.GetType().Name}: {e.Message}");
            await Log.ErrorAsync($"{error.Message}\n{e.StackTrace}").ConfigureAwait(false);
        }

        if (request.Method == Methods.Initialize)
        {
            // Before the answer goes out, so that the client's next request finds the server initialized.
            Lifecycle.CompleteInitialize(succeeded: error is null);
        }

        try
        {
            await SendSafelyAsync(() => error is not null ? Context.Client.RespondErrorAsync(request.Id, error)
                : json is not null ? Context.Client.RespondJsonAsync(request.Id, json)
                : Context.Client.RespondAsync(request.Id, result!.Value)).ConfigureAwait(false);
        }
        finally
        {
            json?.Dispose();
            // After the answer is written: the session's end waits for pending requests, and must not close the
            // output while an answer is half written (a frame cut after its header).
            _pending.Finish(request.Id);
        }
    }

    private async Task HandleNotificationAsync(NotificationMessage notification)
    {
        if (notification.Method == Methods.CancelRequest)
        {
            Cancel(notification);
            return;
        }

        if (!Lifecycle.AdmitNotification(notification.Method))
        {
            Log.Info($"dropped '{notification.Method}': the server is {Lifecycle.State}");
            return;
        }

        if (_table.FindNotification(notification.Method) is not { } handler)
        {
            // LSP: unknown notifications are ignored (those starting with $/ may be, the others too for robustness).
            return;
        }

        try
        {
            await handler.HandleAsync(notification.Params, Context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonRpcException or IOException)
        {
            await Log.ErrorAsync(e.Message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await Log.ErrorAsync($"internal error while handling '{notification.Method}': {e.GetType().Name}: {e.Message}\n{e.StackTrace}").ConfigureAwait(false);
        }
    }

    private void Cancel(NotificationMessage notification)
    {
        try
        {
            var parameters = TypedParams.Read(notification.Method, notification.Params, LspJsonContext.Default.CancelParams);
            _pending.Cancel(parameters.Id);
        }
        catch (JsonRpcException e)
        {
            Log.Info(e.Message);
        }
    }
}
