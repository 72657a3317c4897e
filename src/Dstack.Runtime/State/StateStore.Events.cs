using Dstack.Runtime.Runs;

namespace Dstack.Runtime.State;

/// <summary>
/// A run's progress events (provisioning, uploading, running), written by its controller and followed by a front end that
/// shows them (a status line, an upload bar, MSBuild messages): the typed record of what the log also says in words.
/// </summary>
public sealed partial class StateStore
{
    /// <summary>Appends an event to the run's; returns its id.</summary>
    public long AddRunEvent(long runId, RunProgress progress, DateTimeOffset at) => Write((connection, transaction) =>
    {
        using var insert = Command(
            connection,
            transaction,
            "INSERT INTO run_events (run_id, rank, kind, detail, at) VALUES ($run, $rank, $kind, $detail, $at) RETURNING id",
            ("$run", runId),
            ("$rank", progress.Rank),
            ("$kind", RunProgressJson.KindOf(progress)),
            ("$detail", RunProgressJson.ToJson(progress).ToJsonString()),
            ("$at", Millis(at)));
        return Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>The run's events after <paramref name="afterId"/> (0 for all), in order; kinds this version does not know are skipped.</summary>
    public IReadOnlyList<RunEvent> ListRunEvents(long runId, long afterId = 0) => Read(connection =>
    {
        using var command = Command(connection, null, "SELECT id, at, detail FROM run_events WHERE run_id = $run AND id > $after ORDER BY id", ("$run", runId), ("$after", afterId));
        using var reader = command.ExecuteReader();
        var events = new List<RunEvent>();
        while (reader.Read())
        {
            if (RunProgressJson.FromJson(reader.GetString(2)) is { } progress)
            {
                events.Add(new RunEvent(reader.GetInt64(0), FromMillis(reader.GetInt64(1)), progress));
            }
        }

        return events;
    });

    private const string RunEventsTable = """
        CREATE TABLE IF NOT EXISTS run_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS run_events_run ON run_events(run_id, id);
        """;
}
