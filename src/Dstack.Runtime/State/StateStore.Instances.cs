using Microsoft.Data.Sqlite;

namespace Dstack.Runtime.State;

/// <summary>
/// Instances: one row per machine a backend provisioned for a job, written before the backend is called, updated as it
/// answers, kept after it is terminated (for <c>dstack instance list --all</c>).
/// </summary>
public sealed partial class StateStore
{
    private const string InstanceColumns = "id, run_id, run_name, job_num, backend, region, instance_type, instance_id, address, price, status, token, offer, created_at, terminated_at";

    /// <summary>Records an instance about to be provisioned (status provisioning); returns it with its id.</summary>
    public InstanceRecord AddInstance(long runId, string runName, int jobNum, string backend, string region, string instanceType, decimal pricePerHour, string token, string offer, DateTimeOffset now) => Write((connection, transaction) =>
    {
        using var insert = Command(
            connection,
            transaction,
            """
            INSERT INTO instances (run_id, run_name, job_num, backend, region, instance_type, price, status, token, offer, created_at)
            VALUES ($run, $name, $job, $backend, $region, $type, $price, 'provisioning', $token, $offer, $now)
            RETURNING id
            """,
            ("$run", runId),
            ("$name", runName),
            ("$job", jobNum),
            ("$backend", backend),
            ("$region", region),
            ("$type", instanceType),
            ("$price", pricePerHour.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("$token", token),
            ("$offer", offer),
            ("$now", Millis(now)));
        var id = Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return new InstanceRecord(id, runId, runName, jobNum, backend, region, instanceType, null, null, pricePerHour, InstanceStatus.Provisioning, token, offer, now, null);
    });

    /// <summary>Records the backend's answer: the instance's id and address, and that it runs.</summary>
    public void SetInstanceRunning(long id, string instanceId, string address, string offer) => Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction, "UPDATE instances SET instance_id = $instance, address = $address, offer = $offer, status = 'running' WHERE id = $id", ("$id", id), ("$instance", instanceId), ("$address", address), ("$offer", offer));
        return update.ExecuteNonQuery();
    });

    /// <summary>Moves an instance to <paramref name="status"/>; a final status (terminated, failed) also records when.</summary>
    public void SetInstanceStatus(long id, InstanceStatus status, DateTimeOffset now) => Write((connection, transaction) =>
    {
        var final = status is InstanceStatus.Terminated or InstanceStatus.Failed;
        using var update = Command(connection, transaction, $"UPDATE instances SET status = $status{(final ? ", terminated_at = COALESCE(terminated_at, $now)" : string.Empty)} WHERE id = $id", ("$id", id), ("$status", Text(status)), ("$now", Millis(now)));
        return update.ExecuteNonQuery();
    });

    /// <summary>The instances, newest first: only those that may still exist unless <paramref name="all"/>.</summary>
    public IReadOnlyList<InstanceRecord> ListInstances(bool all = false) => Read(connection =>
    {
        using var command = Command(connection, null, $"SELECT {InstanceColumns} FROM instances{(all ? string.Empty : " WHERE status IN ('provisioning', 'running', 'terminating')")} ORDER BY id DESC");
        return ReadInstances(command);
    });

    /// <summary>The instances of one run, by job number and then age.</summary>
    public IReadOnlyList<InstanceRecord> ListInstances(long runId) => Read(connection =>
    {
        using var command = Command(connection, null, $"SELECT {InstanceColumns} FROM instances WHERE run_id = $run ORDER BY job_num, id", ("$run", runId));
        return ReadInstances(command);
    });

    public InstanceRecord? FindInstance(long id) => Read(connection =>
    {
        using var command = Command(connection, null, $"SELECT {InstanceColumns} FROM instances WHERE id = $id", ("$id", id));
        return ReadInstances(command).FirstOrDefault();
    });

    private static List<InstanceRecord> ReadInstances(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var instances = new List<InstanceRecord>();
        while (reader.Read())
        {
            instances.Add(new InstanceRecord(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                decimal.Parse(reader.GetString(9), System.Globalization.CultureInfo.InvariantCulture),
                ParseInstanceStatus(reader.GetString(10)),
                reader.GetString(11),
                reader.GetString(12),
                FromMillis(reader.GetInt64(13)),
                reader.IsDBNull(14) ? null : FromMillis(reader.GetInt64(14))));
        }

        return instances;
    }

    private static string Text(InstanceStatus status) => status.ToString().ToLowerInvariant();

    private static InstanceStatus ParseInstanceStatus(string text) => Enum.TryParse<InstanceStatus>(text, ignoreCase: true, out var status) ? status : InstanceStatus.Failed;

    private const string InstancesTable = """
        CREATE TABLE IF NOT EXISTS instances (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL,
            run_name TEXT NOT NULL,
            job_num INTEGER NOT NULL,
            backend TEXT NOT NULL,
            region TEXT NOT NULL,
            instance_type TEXT NOT NULL,
            instance_id TEXT,
            address TEXT,
            price TEXT NOT NULL,
            status TEXT NOT NULL,
            token TEXT NOT NULL UNIQUE,
            offer TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            terminated_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS instances_run ON instances(run_id);
        CREATE INDEX IF NOT EXISTS instances_status ON instances(status);
        """;
}
