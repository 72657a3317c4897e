using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Runs;

/// <summary>
/// Shows the editor how the runs of its open files get going: a background loop that reads the active runs of
/// <c>$DSTACK_HOME</c> and, for each whose configuration is an open document, shows one work-done progress titled
/// <c>dstack: RUN</c> that follows the run's typed progress events (provisioning, uploading with a percentage,
/// waiting, pulling, running) until every job runs or the run ends. The runs are started elsewhere (the
/// <c>▶ Run</c> lens hands <c>dstack run</c> to a terminal); this only reads what their controllers record.
/// </summary>
/// <remarks>
/// Cheap and harmless: nothing is read while no document is open; a <c>state.db</c> that does not exist is not
/// created (it is looked for again on the next turn); the store is only read; one turn every
/// <see cref="DefaultInterval"/> at most. A failed turn is logged and the next one tried; nothing is thrown into the
/// session, and no request waits for the loop. It stops on <c>shutdown</c> or at the end of the session, ending the
/// progress it shows.
/// </remarks>
public sealed class RunProgressWatcher : IAsyncDisposable
{
    /// <summary>How often the runs are read while a document is open.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(500);

    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly ServerContext _context;
    private readonly DstackHome _home;
    private readonly Dictionary<long, FollowedRun> _followed = [];
    private StateStore? _store;
    private StatePollingLoop? _loop;

    private RunProgressWatcher(ServerContext context, DstackHome home)
    {
        _context = context;
        _home = home;
    }

    /// <summary>Starts watching the runs of <paramref name="home"/> for <paramref name="context"/>'s open documents; returns at once.</summary>
    /// <param name="interval">The pause between two reads; default (and least) <see cref="DefaultInterval"/> outside tests.</param>
    public static RunProgressWatcher Start(ServerContext context, DstackHome home, TimeSpan? interval = null)
    {
        var watcher = new RunProgressWatcher(context, home);
        // A failed turn opens the store again next time (a store that cannot be read fails every turn the same way).
        watcher._loop = StatePollingLoop.Start(
            "run progress",
            context.Log,
            interval ?? DefaultInterval,
            watcher.TurnAsync,
            failed: _ => watcher._store = null,
            closing: () => watcher.EndAllAsync("the language server stopped following the run"));
        return watcher;
    }

    /// <summary>Stops the loop and ends the progress it still shows.</summary>
    public ValueTask DisposeAsync() => _loop?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>One read: new runs of open documents are followed, followed ones updated, those no longer open or active ended.</summary>
    private async Task TurnAsync(CancellationToken stopping)
    {
        var open = OpenFiles();
        if (open.Count == 0)
        {
            await EndAllAsync("the file was closed").ConfigureAwait(false);
            return;
        }

        if (Store() is not { } store)
        {
            return;
        }

        var active = store.ListRuns(all: false);
        var current = new HashSet<long>();
        foreach (var run in active)
        {
            if (!open.Contains(FullPath(run.ConfigurationPath)))
            {
                continue;
            }

            current.Add(run.Id);
            if (!_followed.TryGetValue(run.Id, out var followed))
            {
                followed = new FollowedRun(run, _context);
                _followed.Add(run.Id, followed);
            }

            await followed.UpdateAsync(store, run, stopping).ConfigureAwait(false);
        }

        foreach (var followed in _followed.Values.Where(f => !current.Contains(f.RunId)).ToList())
        {
            _followed.Remove(followed.RunId);
            if (active.Any(r => r.Id == followed.RunId))
            {
                await followed.EndAsync("the file was closed").ConfigureAwait(false);
            }
            else if (store.FindRun(followed.RunId) is { } finished)
            {
                // Its last events, then its final status.
                await followed.UpdateAsync(store, finished, stopping).ConfigureAwait(false);
            }
            else
            {
                await followed.EndAsync("the run was deleted").ConfigureAwait(false);
            }
        }
    }

    /// <summary>The full paths of the open documents that are files on disk.</summary>
    private HashSet<string> OpenFiles()
    {
        var files = new HashSet<string>(PathComparer);
        foreach (var document in _context.Documents.All)
        {
            if (DocumentUri.FilePath(document.Uri) is { } path)
            {
                files.Add(FullPath(path));
            }
        }

        return files;
    }

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }

    /// <summary>The store, opened once its file exists (never created here); null until then.</summary>
    private StateStore? Store()
    {
        if (!File.Exists(_home.StateDatabase))
        {
            _store = null;
            return null;
        }

        return _store ??= StateStore.Open(_home);
    }

    private async Task EndAllAsync(string message)
    {
        foreach (var followed in _followed.Values.ToList())
        {
            await followed.EndAsync(message).ConfigureAwait(false);
        }

        _followed.Clear();
    }
}
