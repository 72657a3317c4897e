using System.Globalization;
using System.Text.Json;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// Progress of one piece of work, shown by the client (LSP work-done progress): <see cref="BeginAsync"/> once, then
/// any number of <see cref="ReportAsync"/>, then <see cref="EndAsync"/> (or dispose). It reports under the client's
/// <c>workDoneToken</c> when the request carried one, else under a token the server creates with
/// <c>window/workDoneProgress/create</c> when the client declared <c>window.workDoneProgress</c>; otherwise, or when
/// the client refuses the token, every call does nothing, so work can report without asking first. Progress is an
/// extra: a client that has gone makes the calls do nothing rather than fail the work. Not thread-safe: one piece of
/// work reports in order.
/// </summary>
public sealed class WorkDoneProgress : IAsyncDisposable
{
    /// <summary>How long <see cref="BeginAsync"/> waits for the client to accept a new token before working without progress.</summary>
    public static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(5);

    private static long s_lastToken;

    private readonly ServerContext _context;
    private readonly bool _mustCreate;
    private JsonElement? _token;
    private bool _begun;
    private bool _ended;

    private WorkDoneProgress(ServerContext context, JsonElement? token, bool mustCreate)
    {
        _context = context;
        _token = token;
        _mustCreate = mustCreate;
    }

    /// <summary>True between a begin the client was sent and the end: the client is showing this progress.</summary>
    public bool IsShown => _token is not null && _begun && !_ended;

    /// <summary>
    /// Progress for work done in answer to a request. <paramref name="workDoneToken"/> is the request's
    /// <c>workDoneToken</c> param, when it has one (an integer or a string; anything else is ignored).
    /// </summary>
    public static WorkDoneProgress Start(ServerContext context, JsonElement? workDoneToken = null)
    {
        if (workDoneToken is { ValueKind: JsonValueKind.String or JsonValueKind.Number } given)
        {
            return new WorkDoneProgress(context, given.Clone(), mustCreate: false);
        }

        if (!context.ClientFeatures.WorkDoneProgress)
        {
            return new WorkDoneProgress(context, null, mustCreate: false);
        }

        var token = JsonSerializer.SerializeToElement(
            string.Create(CultureInfo.InvariantCulture, $"dstack-progress-{Interlocked.Increment(ref s_lastToken)}"),
            LspJsonContext.Default.String);
        return new WorkDoneProgress(context, token, mustCreate: true);
    }

    /// <summary>Shows the progress: <paramref name="title"/> stays, <paramref name="message"/> and the percentage change with reports.</summary>
    public async Task BeginAsync(string title, string? message = null, int? percentage = null, CancellationToken cancellation = default)
    {
        if (_begun || _token is not { } token)
        {
            return;
        }

        _begun = true;
        if (_mustCreate && !await CreateAsync(token, cancellation).ConfigureAwait(false))
        {
            _token = null;
            return;
        }

        await SendAsync(new WorkDoneProgressBegin(title, message, Clamp(percentage)), LspJsonContext.Default.WorkDoneProgressBegin).ConfigureAwait(false);
    }

    public Task ReportAsync(string? message, int? percentage = null) =>
        IsShown ? SendAsync(new WorkDoneProgressReport(message, Clamp(percentage)), LspJsonContext.Default.WorkDoneProgressReport) : Task.CompletedTask;

    /// <summary>Ends the progress; later calls do nothing.</summary>
    public Task EndAsync(string? message = null)
    {
        if (!IsShown)
        {
            _ended = true;
            return Task.CompletedTask;
        }

        _ended = true;
        return SendAsync(new WorkDoneProgressEnd(message), LspJsonContext.Default.WorkDoneProgressEnd);
    }

    /// <summary>Ends a progress still shown, so that work that throws does not leave a spinner behind.</summary>
    public async ValueTask DisposeAsync() => await EndAsync().ConfigureAwait(false);

    private static int? Clamp(int? percentage) => percentage is { } value ? Math.Clamp(value, 0, 100) : null;

    private async Task<bool> CreateAsync(JsonElement token, CancellationToken cancellation)
    {
        try
        {
            await _context.Client.RequestAsync(Methods.WorkDoneProgressCreate, new WorkDoneProgressCreateParams(token), LspJsonContext.Default.WorkDoneProgressCreateParams, cancellation, CreateTimeout).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is ClientErrorException or TimeoutException or IOException or ObjectDisposedException)
        {
            _context.Log.Info($"no progress shown: {e.Message}");
            return false;
        }
    }

    private async Task SendAsync<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            await _context.Client.NotifyAsync(Methods.Progress, new ProgressParams(_token!.Value, JsonSerializer.SerializeToElement(value, type)), LspJsonContext.Default.ProgressParams).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _token = null;
            _context.Log.Info($"progress no longer sent: {e.Message}");
        }
    }
}
