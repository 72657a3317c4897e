namespace Dstack.Runtime.State;

/// <summary>Runs' endpoints (<see cref="RunEndpoint"/>): written by the controller when the run is ready, cleared when it ends.</summary>
public sealed partial class StateStore
{
    /// <summary>Sets (or replaces) the run's endpoint of <paramref name="kind"/>.</summary>
    public void SetRunEndpoint(long runId, string kind, string address) => Write((connection, transaction) =>
    {
        using var upsert = Command(
            connection,
            transaction,
            "INSERT INTO run_endpoints (run_id, kind, address) VALUES ($run, $kind, $address) ON CONFLICT (run_id, kind) DO UPDATE SET address = excluded.address",
            ("$run", runId),
            ("$kind", kind),
            ("$address", address));
        upsert.ExecuteNonQuery();
        return 0;
    });

    /// <summary>Removes the run's endpoint of <paramref name="kind"/>, or all of them when it is null.</summary>
    public void ClearRunEndpoints(long runId, string? kind = null) => Write((connection, transaction) =>
    {
        using var delete = kind is null
            ? Command(connection, transaction, "DELETE FROM run_endpoints WHERE run_id = $run", ("$run", runId))
            : Command(connection, transaction, "DELETE FROM run_endpoints WHERE run_id = $run AND kind = $kind", ("$run", runId), ("$kind", kind));
        delete.ExecuteNonQuery();
        return 0;
    });

    /// <summary>The run's endpoints, by kind.</summary>
    public IReadOnlyList<RunEndpoint> ListRunEndpoints(long runId) => Read(connection =>
    {
        using var command = Command(connection, null, "SELECT kind, address FROM run_endpoints WHERE run_id = $run ORDER BY kind", ("$run", runId));
        using var reader = command.ExecuteReader();
        var endpoints = new List<RunEndpoint>();
        while (reader.Read())
        {
            endpoints.Add(new RunEndpoint(reader.GetString(0), reader.GetString(1)));
        }

        return endpoints;
    });

    private const string RunEndpointsTable = """
        CREATE TABLE IF NOT EXISTS run_endpoints (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            address TEXT NOT NULL,
            PRIMARY KEY (run_id, kind)
        );
        """;
}
