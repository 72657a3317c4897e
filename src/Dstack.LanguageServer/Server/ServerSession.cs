using System.Reflection;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// One conversation with one client, from <c>initialize</c> to <c>exit</c>: reads messages in order, holds the
/// lifecycle rules, dispatches to the handlers of its <see cref="DispatchTable"/>, and answers every request
/// exactly once, with a result or a JSON-RPC error. A client's mistake never ends the session; only <c>exit</c>,
/// the end of the input, a frame so broken that the stream is out of step, or the end of the editor's process does.
/// </summary>
public sealed partial class ServerSession : IDisposable
{
    /// <summary>How long the end of a session waits for cancelled requests to finish.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(2);

    private readonly Connection _connection;
    private readonly DispatchTable _table;
    private readonly PendingRequests _pending = new();
    private readonly CancellationTokenSource _stopping = new();

    public ServerSession(Connection connection, DispatchTable table, TextWriter stderr)
    {
        _connection = connection;
        _table = table;
        var client = new ClientChannel(connection.Writer);
        Context = new ServerContext(new DocumentStore(), client, new ServerLog(stderr, client), new Lifecycle());
    }

    /// <summary>The version this server reports in <c>initialize</c> and <c>--version</c>.</summary>
    public static string Version { get; } =
        typeof(ServerSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public ServerContext Context { get; }

    private Lifecycle Lifecycle => Context.Lifecycle;

    private ServerLog Log => Context.Log;

    /// <summary>Serves until <c>exit</c> or the end of the input; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellation = default)
    {
        using var stop = cancellation.Register(_stopping.Cancel);
        using var ending = Context.Ending.Register(_stopping.Cancel);
        Log.Info($"version {Version} started (process {Environment.ProcessId}); waiting for 'initialize'");
        var loop = StartReadLoop();
        try
        {
            await loop.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while the loop waits in a blocking read of stdin: it is not waited for (its thread is a background
            // one). A loop that saw the stop itself has said so.
            if (!loop.IsCompleted)
            {
                Log.Info("stopped before the client sent 'exit'");
            }
        }

        var exitCode = loop.IsCompleted ? await loop.ConfigureAwait(false) : 1;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Context.Client.CloseRequests();
        var drain = Task.WhenAll(_pending.CancelAllAsync(), Context.Background.IdleAsync(), Context.StopServicesAsync());
        if (await Task.WhenAny(drain, Task.Delay(DrainLimit)).ConfigureAwait(false) != drain)
        {
            Log.Info($"some requests or watchers did not end within {DrainLimit.TotalSeconds} s of the session's end");
        }

        return exitCode;
    }

    /// <summary>
    /// Runs the read loop on a thread of its own: with stdin's blocking reads (<see cref="Transport.SynchronousStream"/>)
    /// a request that runs on the loop is read, answered and written by that one thread; where an await does yield, the
    /// loop goes on on the thread pool, as any async method does.
    /// </summary>
    private Task<int> StartReadLoop()
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var loop = ReadLoopAsync();
                if (loop.IsCompleted)
                {
                    done.TrySetResult(loop.GetAwaiter().GetResult());
                }
                else
                {
                    loop.ContinueWith(static (ended, state) => ((TaskCompletionSource<int>)state!).TrySetFromTask(ended), done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "lsp read loop",
        };
        thread.Start();
        return done.Task;
    }

    private async Task<int> ReadLoopAsync()
    {
        while (!Lifecycle.ExitRequested)
        {
            byte[]? body;
            try
            {
                // WaitAsync: a read of the console's stdin does not see the token, and a stop must not wait for the next byte.
                body = await _connection.Reader.ReadAsync(_stopping.Token).AsTask().WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (FramingException e) when (e.CanContinue)
            {
                await ReportAsync(null, new ResponseError(ErrorCodes.InvalidRequest, e.Message)).ConfigureAwait(false);
                continue;
            }
            catch (FramingException e)
            {
                await ReportAsync(null, new ResponseError(ErrorCodes.ParseError, $"{e.Message}; the server stops, as the stream can no longer be read")).ConfigureAwait(false);
                return 1;
            }
            catch (OperationCanceledException)
            {
                Log.Info("stopped before the client sent 'exit'");
                return 1;
            }

            if (body is null)
            {
                Log.Info(Lifecycle.State == LifecycleState.ShutDown ? "the client closed the connection after 'shutdown'" : "the client closed the connection without 'shutdown' and 'exit'");
                return Lifecycle.ExitCode;
            }

            await DispatchAsync(body).ConfigureAwait(false);
        }

        return Lifecycle.ExitCode;
    }

    private async Task DispatchAsync(byte[] body)
    {
        JsonRpcMessage message;
        try
        {
            message = JsonRpcParser.Parse(body);
        }
        catch (JsonRpcException e)
        {
            await ReportAsync(e.Id, new ResponseError(e.Code, e.Message)).ConfigureAwait(false);
            return;
        }

        switch (message)
        {
            case RequestMessage request:
                StartRequest(request);
                break;
            case NotificationMessage notification:
                await HandleNotificationAsync(notification).ConfigureAwait(false);
                break;
            case ResponseMessage response:
                if (!Context.Client.Complete(response.Id, response.Result))
                {
                    Log.Info($"ignored a response to id {response.Id}: the server sent no such request, or no longer waits for it");
                }

                break;
            case ErrorResponseMessage failure:
                if (failure.Id is not { } id || !Context.Client.Fail(id, failure.Error))
                {
                    Log.Info($"ignored an error response to id {failure.Id?.ToString() ?? "null"} ({failure.Error.Code}: {failure.Error.Message}): the server waits for no such request");
                }

                break;
        }
    }

    /// <summary>Answers an error that belongs to no handler, and logs it: the client may not show unmatched errors.</summary>
    private async Task ReportAsync(RequestId? id, ResponseError error)
    {
        Log.Info($"answered error {error.Code}: {error.Message}");
        await SendSafelyAsync(() => Context.Client.RespondErrorAsync(id, error)).ConfigureAwait(false);
    }

    private async Task SendSafelyAsync(Func<Task> send)
    {
        try
        {
            await send().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The client has gone: there is no one left to answer, and the end of the input will end the session.
            Log.Info($"could not write to the client: {e.Message}");
        }
    }

    public void Dispose()
    {
        Context.Dispose();
        _stopping.Dispose();
    }
}
