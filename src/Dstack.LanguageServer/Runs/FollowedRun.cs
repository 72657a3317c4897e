using System.Globalization;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Runs;

/// <summary>
/// One run whose progress the editor is shown: its events read so far, the jobs that run, and the work-done progress
/// that shows them. It begins with the first event, reports each later one, and ends once every job runs or the run
/// has finished. A run first seen when it already runs (or has finished) is shown nothing. Used by one thread at a time.
/// </summary>
internal sealed class FollowedRun(RunRecord run, ServerContext context)
{
    private readonly HashSet<int> _running = [];
    private readonly int _nodes = NodesOf(run);
    private long _lastEvent;
    private WorkDoneProgress? _progress;

    public long RunId { get; } = run.Id;

    public string Name { get; } = run.Name;

    /// <summary>True once there is nothing more to show: the progress has ended, or there was none to begin.</summary>
    public bool Settled { get; private set; }

    /// <summary>
    /// Reads the run's new events and shows them. <paramref name="current"/> is the run as read just before its events,
    /// so that a status that says every job runs is never seen before the events that led to it.
    /// </summary>
    public async Task UpdateAsync(StateStore store, RunRecord current, CancellationToken cancellation)
    {
        if (Settled)
        {
            return;
        }

        var events = store.ListRunEvents(RunId, _lastEvent);
        foreach (var item in events)
        {
            _lastEvent = item.Id;
            if (item.Progress is RunningProgress running)
            {
                _running.Add(running.Rank);
            }
        }

        var runs = _running.Count >= _nodes || current.Status == RunStatus.Running;
        var finished = current.Status.IsFinished();
        var shown = events;
        if (_progress is null)
        {
            if (runs || finished)
            {
                // Nothing to follow: it was already on its way when the file was opened, or it went by between two reads.
                Settled = true;
                return;
            }

            if (events.Count == 0)
            {
                return;
            }

            var progress = WorkDoneProgress.Start(context);
            var first = events[0].Progress;
            try
            {
                await progress.BeginAsync($"dstack: {Name}", Message(first), Percentage(first), cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped while the client was asked for a token: nothing was begun, so nothing is to be ended.
                Settled = true;
                throw;
            }

            _progress = progress;
            shown = [.. events.Skip(1)];
        }

        foreach (var item in shown)
        {
            await _progress.ReportAsync(Message(item.Progress), Percentage(item.Progress)).ConfigureAwait(false);
        }

        if (runs)
        {
            await EndAsync("running").ConfigureAwait(false);
        }
        else if (finished)
        {
            await EndAsync(current.Reason is { Length: > 0 } reason ? $"{current.Status.ToText()}: {reason}" : current.Status.ToText()).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the progress (when it is shown) with <paramref name="message"/>; nothing more is shown after.</summary>
    public async Task EndAsync(string message)
    {
        Settled = true;
        if (_progress is { } progress)
        {
            await progress.EndAsync(message).ConfigureAwait(false);
        }
    }

    /// <summary>The event as the editor's progress line says it: the upload as a percentage, the others as the CLI's log says them.</summary>
    public static string Message(RunProgress progress) => progress switch
    {
        UploadProgress upload => string.Create(CultureInfo.InvariantCulture, $"uploading to {upload.Host}: {Percentage(progress)}%"),
        _ => progress.Describe(),
    };

    /// <summary>How far the upload is, from its bytes sent of the total; none for the other events.</summary>
    public static int? Percentage(RunProgress progress) => progress switch
    {
        UploadProgress { Total: > 0 } upload => (int)Math.Clamp(upload.Sent * 100 / upload.Total, 0, 100),
        UploadProgress => 0,
        UploadedProgress => 100,
        _ => null,
    };

    private static int NodesOf(RunRecord run)
    {
        try
        {
            return Math.Max(1, RunSpec.FromJson(run.Spec).Nodes);
        }
        catch (System.Text.Json.JsonException)
        {
            // A spec this version cannot read: the run's own status still says when it runs.
            return int.MaxValue;
        }
    }
}
