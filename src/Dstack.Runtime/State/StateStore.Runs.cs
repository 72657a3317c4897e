using Microsoft.Data.Sqlite;

namespace Dstack.Runtime.State;

/// <summary>Runs: creating one under a unique name, reading, status changes with history, stop requests.</summary>
public sealed partial class StateStore
{
    private const string RunColumns = "id, name, status, configuration, repo, spec, submitted_at, finished_at, exit_code, reason, runner_pid, stop_request, attempt";

    /// <summary>
    /// Adds a submitted run. With <paramref name="requestedName"/> the run takes that name: an active run of that name
    /// is a <see cref="RunNameTakenException"/>, a finished one is replaced (its record goes; the caller removes its
    /// folder). <paramref name="specFor"/> gives the stored spec for the chosen name. Without one, <paramref name="chooseName"/> picks a name not taken by any run in the store. The check
    /// and the insert are one transaction, so two processes never get the same name.
    /// </summary>
    public (RunRecord Run, RunRecord? Replaced) CreateRun(string? requestedName, Func<IReadOnlySet<string>, string> chooseName, string configurationPath, string repoRoot, Func<string, string> specFor, DateTimeOffset now)
    {
        return Write((connection, transaction) =>
        {
            RunRecord? replaced = null;
            string name;
            if (requestedName is not null)
            {
                using var find = Command(connection, transaction, $"SELECT {RunColumns} FROM runs WHERE name = $name", ("$name", requestedName));
                using (var reader = find.ExecuteReader())
                {
                    replaced = reader.Read() ? ReadRun(reader) : null;
                }

                if (replaced is not null && !replaced.Status.IsFinished())
                {
                    throw new RunNameTakenException(replaced);
                }

                if (replaced is not null && TagsOf(connection, transaction, replaced.Id) is { Count: > 0 } tags)
                {
                    throw new RunNameTakenException(replaced, tags);
                }

                if (replaced is not null)
                {
                    using var delete = Command(connection, transaction, "DELETE FROM runs WHERE id = $id", ("$id", replaced.Id));
                    delete.ExecuteNonQuery();
                }

                name = requestedName;
            }
            else
            {
                var taken = new HashSet<string>(StringComparer.Ordinal);
                using var names = Command(connection, transaction, "SELECT name FROM runs");
                using (var reader = names.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        taken.Add(reader.GetString(0));
                    }
                }

                name = chooseName(taken);
            }

            var spec = specFor(name);
            using var insert = Command(
                connection,
                transaction,
                "INSERT INTO runs (name, status, configuration, repo, spec, submitted_at) VALUES ($name, $status, $configuration, $repo, $spec, $at) RETURNING id",
                ("$name", name),
                ("$status", RunStatus.Submitted.ToText()),
                ("$configuration", configurationPath),
                ("$repo", repoRoot),
                ("$spec", spec),
                ("$at", Millis(now)));
            var id = Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            AddHistory(connection, transaction, id, null, RunStatus.Submitted, now, null);
            var run = new RunRecord(id, name, RunStatus.Submitted, configurationPath, repoRoot, spec, now, null, null, null, null, StopRequest.None, 1);
            return (run, replaced);
        });
    }

    public RunRecord? FindRun(string name) => Read(connection =>
    {
        using var command = Command(connection, null, $"SELECT {RunColumns} FROM runs WHERE name = $name", ("$name", name));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRun(reader) : null;
    });

    public RunRecord? FindRun(long id) => Read(connection =>
    {
        using var command = Command(connection, null, $"SELECT {RunColumns} FROM runs WHERE id = $id", ("$id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRun(reader) : null;
    });

    /// <summary>Runs, newest first; only the active ones unless <paramref name="all"/>.</summary>
    public IReadOnlyList<RunRecord> ListRuns(bool all) => Read(connection =>
    {
        var sql = all
            ? $"SELECT {RunColumns} FROM runs ORDER BY submitted_at DESC, id DESC"
            : $"SELECT {RunColumns} FROM runs WHERE status NOT IN ('terminated', 'aborted', 'failed', 'done') ORDER BY submitted_at DESC, id DESC";
        using var command = Command(connection, null, sql);
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    });

    /// <summary>
    /// Moves a run to <paramref name="status"/> and records it in the history. A finished run stays finished (the
    /// first final status wins), so a late update from a dying process cannot overwrite how the run ended; returns
    /// false then.
    /// </summary>
    public bool SetRunStatus(long runId, RunStatus status, DateTimeOffset now, string? reason = null, int? exitCode = null) => Write((connection, transaction) =>
    {
        using var update = Command(
            connection,
            transaction,
            """
            UPDATE runs SET status = $status,
                reason = COALESCE($reason, reason),
                exit_code = COALESCE($exit, exit_code),
                finished_at = CASE WHEN $final THEN $at ELSE finished_at END
            WHERE id = $id AND status NOT IN ('terminated', 'aborted', 'failed', 'done')
            """,
            ("$status", status.ToText()),
            ("$reason", reason),
            ("$exit", exitCode),
            ("$final", status.IsFinished()),
            ("$at", Millis(now)),
            ("$id", runId));
        if (update.ExecuteNonQuery() == 0)
        {
            return false;
        }

        AddHistory(connection, transaction, runId, null, status, now, reason);
        if (status.IsFinished())
        {
            // An ended run is reachable nowhere: its service URL and SSH alias go with it.
            using var endpoints = Command(connection, transaction, "DELETE FROM run_endpoints WHERE run_id = $id", ("$id", runId));
            endpoints.ExecuteNonQuery();
        }

        return true;
    });

    public void SetController(long runId, int pid) => Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction, "UPDATE runs SET runner_pid = $pid WHERE id = $id", ("$pid", pid), ("$id", runId));
        return update.ExecuteNonQuery();
    });

    /// <summary>Replaces the stored spec (a retry moved the run to other SSH hosts); the JSON carries no secret values.</summary>
    public void SetSpec(long runId, string spec) => Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction, "UPDATE runs SET spec = $spec WHERE id = $id", ("$spec", spec), ("$id", runId));
        return update.ExecuteNonQuery();
    });

    public void SetAttempt(long runId, int attempt) => Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction, "UPDATE runs SET attempt = $attempt WHERE id = $id", ("$attempt", attempt), ("$id", runId));
        return update.ExecuteNonQuery();
    });

    /// <summary>Asks an active run to stop (or abort: an abort upgrades an earlier stop). False when the run has already finished.</summary>
    public bool RequestStop(long runId, StopRequest request) => Write((connection, transaction) =>
    {
        using var update = Command(
            connection,
            transaction,
            "UPDATE runs SET stop_request = CASE WHEN $request = 'abort' OR stop_request = 'none' THEN $request ELSE stop_request END WHERE id = $id AND status NOT IN ('terminated', 'aborted', 'failed', 'done')",
            ("$request", request.ToString().ToLowerInvariant()),
            ("$id", runId));
        return update.ExecuteNonQuery() > 0;
    });

    public IReadOnlyList<StatusChange> History(long runId) => Read(connection =>
    {
        using var command = Command(connection, null, "SELECT run_id, job_num, status, at, reason FROM status_history WHERE run_id = $id ORDER BY id", ("$id", runId));
        using var reader = command.ExecuteReader();
        var changes = new List<StatusChange>();
        while (reader.Read())
        {
            changes.Add(new StatusChange(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetInt32(1),
                RunStatusText.Parse(reader.GetString(2)),
                FromMillis(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return changes;
    });

    private static void AddHistory(SqliteConnection connection, SqliteTransaction transaction, long runId, int? jobNum, RunStatus status, DateTimeOffset at, string? reason)
    {
        using var insert = Command(
            connection,
            transaction,
            "INSERT INTO status_history (run_id, job_num, status, at, reason) VALUES ($run, $job, $status, $at, $reason)",
            ("$run", runId),
            ("$job", jobNum),
            ("$status", status.ToText()),
            ("$at", Millis(at)),
            ("$reason", reason));
        insert.ExecuteNonQuery();
    }

    private static RunRecord ReadRun(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        RunStatusText.Parse(reader.GetString(2)),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        FromMillis(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : FromMillis(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : reader.GetInt32(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetInt32(10),
        Enum.Parse<StopRequest>(reader.GetString(11), ignoreCase: true),
        reader.GetInt32(12));
}
