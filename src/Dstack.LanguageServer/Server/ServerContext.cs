using Dstack.LanguageServer.Documents;

namespace Dstack.LanguageServer.Server;

/// <summary>What handlers work with: the open documents, the way to the client, the log and the lifecycle.</summary>
public sealed class ServerContext(DocumentStore documents, ClientChannel client, ServerLog log, Lifecycle lifecycle) : IDisposable
{
    private readonly CancellationTokenSource _ending = new();
    private readonly Lock _servicesGate = new();
    private readonly List<IAsyncDisposable> _services = [];
    private bool _servicesStopped;
    private ParentProcessWatch? _editorWatch;

    public DocumentStore Documents { get; } = documents;

    /// <summary>The documentation the latest completion list left for <c>completionItem/resolve</c>.</summary>
    public Completion.CompletionDocumentation CompletionDocumentation { get; } = new();

    public ClientChannel Client { get; } = client;

    public ServerLog Log { get; } = log;

    public Lifecycle Lifecycle { get; } = lifecycle;

    /// <summary>Background work by document, newest first: the diagnostics pushed after opens and edits.</summary>
    public LatestWork Background { get; } = new(e => log.Info($"background work failed: {e.GetType().Name}: {e.Message}\n{e.StackTrace}"));

    /// <summary>Asks a pulling client to pull diagnostics again, after a change in another file.</summary>
    public ClientRefresh DiagnosticRefresh { get; } = new(client, log, Protocol.Methods.DiagnosticRefresh);

    /// <summary>Asks the client to ask for code lenses again, after a run of an open file published or lost an endpoint.</summary>
    public ClientRefresh CodeLensRefresh { get; } = new(client, log, Protocol.Methods.CodeLensRefresh);

    /// <summary>What the client declared in <c>initialize</c>; <see cref="ClientFeatures.None"/> until then.</summary>
    public ClientFeatures ClientFeatures { get; internal set; } = ClientFeatures.None;

    /// <summary>Cancelled when something other than the client ends the session: the editor's process has gone.</summary>
    public CancellationToken Ending => _ending.Token;

    /// <summary>The editor's process being watched, or null.</summary>
    public int? WatchedEditor => _editorWatch?.ProcessId;

    /// <summary>Ends the session as if its input had ended: pending requests are cancelled, and the exit code is 1.</summary>
    public void EndSession()
    {
        try
        {
            _ending.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session has already ended.
        }
    }

    /// <summary>
    /// Watches the editor's process (<c>processId</c> of <c>initialize</c>) and ends the session once it has gone.
    /// False when no such process can be seen now: it is then not watched, as a pid from another pid namespace (an
    /// editor outside the server's container) would otherwise stop the server at once; the end of stdin still does.
    /// </summary>
    public bool WatchEditor(int processId, TimeSpan? interval = null)
    {
        _editorWatch?.Dispose();
        _editorWatch = ParentProcessWatch.Start(processId, () => EditorGoneAsync(processId), interval);
        return _editorWatch is not null;
    }

    /// <summary>
    /// Keeps work that lasts the whole session (a watcher), to be stopped by <see cref="StopServicesAsync"/> at
    /// <c>shutdown</c> or at the end of the session; one kept after that is stopped at once.
    /// </summary>
    public async Task KeepAsync(IAsyncDisposable service)
    {
        lock (_servicesGate)
        {
            if (!_servicesStopped)
            {
                _services.Add(service);
                return;
            }
        }

        await service.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the work kept with <see cref="KeepAsync"/>; later calls do nothing.</summary>
    public async Task StopServicesAsync()
    {
        List<IAsyncDisposable> services;
        lock (_servicesGate)
        {
            _servicesStopped = true;
            services = [.. _services];
            _services.Clear();
        }

        foreach (var service in services)
        {
            await service.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _editorWatch?.Dispose();
        _ending.Dispose();
    }

    private async Task EditorGoneAsync(int processId)
    {
        // Most likely nobody reads this any more, but a client that merely lost track of its editor might; stderr has it anyway.
        var notice = Log.NoticeAsync($"the editor's process {processId} has ended; the server stops (exit code 1)");
        await Task.WhenAny(notice, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        EndSession();
    }
}
