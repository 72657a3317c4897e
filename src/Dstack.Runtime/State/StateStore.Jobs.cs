using Microsoft.Data.Sqlite;

namespace Dstack.Runtime.State;

/// <summary>Jobs: one row per node and attempt, with process id, status and exit code.</summary>
public sealed partial class StateStore
{
    /// <summary>Adds or updates a job; a status change is also written to the run's history.</summary>
    public void SaveJob(JobRecord job, string? reason = null) => Write((connection, transaction) =>
    {
        RunStatus? previous = null;
        using (var find = Command(connection, transaction, "SELECT status FROM jobs WHERE run_id = $run AND job_num = $job AND attempt = $attempt", ("$run", job.RunId), ("$job", job.JobNum), ("$attempt", job.Attempt)))
        {
            if (find.ExecuteScalar() is string text)
            {
                previous = RunStatusText.Parse(text);
            }
        }

        using var upsert = Command(
            connection,
            transaction,
            """
            INSERT INTO jobs (run_id, job_num, attempt, status, pid, exit_code, started_at, finished_at, instance_id)
            VALUES ($run, $job, $attempt, $status, $pid, $exit, $started, $finished, $instance)
            ON CONFLICT (run_id, job_num, attempt) DO UPDATE SET
                status = excluded.status, pid = COALESCE(excluded.pid, pid), exit_code = COALESCE(excluded.exit_code, exit_code),
                started_at = COALESCE(excluded.started_at, started_at), finished_at = COALESCE(excluded.finished_at, finished_at),
                instance_id = COALESCE(excluded.instance_id, instance_id)
            """,
            ("$run", job.RunId),
            ("$job", job.JobNum),
            ("$attempt", job.Attempt),
            ("$status", job.Status.ToText()),
            ("$pid", job.Pid),
            ("$exit", job.ExitCode),
            ("$started", job.StartedAt is { } s ? Millis(s) : null),
            ("$finished", job.FinishedAt is { } f ? Millis(f) : null),
            ("$instance", job.InstanceId));
        upsert.ExecuteNonQuery();
        if (previous != job.Status)
        {
            AddHistory(connection, transaction, job.RunId, job.JobNum, job.Status, job.FinishedAt ?? job.StartedAt ?? DateTimeOffset.UtcNow, reason);
        }

        return 0;
    });

    /// <summary>The jobs of a run's latest attempt, by job number.</summary>
    public IReadOnlyList<JobRecord> ListJobs(long runId) => Read(connection =>
    {
        using var command = Command(
            connection,
            null,
            "SELECT run_id, job_num, attempt, status, pid, exit_code, started_at, finished_at, instance_id FROM jobs WHERE run_id = $run AND attempt = (SELECT MAX(attempt) FROM jobs WHERE run_id = $run) ORDER BY job_num",
            ("$run", runId));
        using var reader = command.ExecuteReader();
        var jobs = new List<JobRecord>();
        while (reader.Read())
        {
            jobs.Add(ReadJob(reader));
        }

        return jobs;
    });

    private static JobRecord ReadJob(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt32(1),
        reader.GetInt32(2),
        RunStatusText.Parse(reader.GetString(3)),
        reader.IsDBNull(4) ? null : reader.GetInt32(4),
        reader.IsDBNull(5) ? null : reader.GetInt32(5),
        reader.IsDBNull(6) ? null : FromMillis(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : FromMillis(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : reader.GetInt64(8));
}
