using Microsoft.Data.Sqlite;

namespace Dstack.Runtime.State;

/// <summary>Pipelines: each run's saved artifacts (path, files, size, content hash) and tags naming runs.</summary>
public sealed partial class StateStore
{
    private const string ArtifactsTable = """
        CREATE TABLE IF NOT EXISTS artifacts (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            folder TEXT NOT NULL,
            files INTEGER NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            saved_at INTEGER NOT NULL,
            PRIMARY KEY (run_id, path)
        );
        """;

    private const string TagsTable = """
        CREATE TABLE IF NOT EXISTS tags (
            name TEXT PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL
        );
        """;

    /// <summary>Records (or replaces) one saved artifact path of a run.</summary>
    public void SaveArtifact(ArtifactRecord artifact) => Write((connection, transaction) =>
    {
        using var upsert = Command(
            connection,
            transaction,
            """
            INSERT INTO artifacts (run_id, path, folder, files, size, sha256, saved_at) VALUES ($run, $path, $folder, $files, $size, $hash, $at)
            ON CONFLICT (run_id, path) DO UPDATE SET folder = excluded.folder, files = excluded.files, size = excluded.size, sha256 = excluded.sha256, saved_at = excluded.saved_at
            """,
            ("$run", artifact.RunId),
            ("$path", artifact.Path),
            ("$folder", artifact.Folder),
            ("$files", artifact.Files),
            ("$size", artifact.Size),
            ("$hash", artifact.Sha256),
            ("$at", Millis(artifact.SavedAt)));
        return upsert.ExecuteNonQuery();
    });

    /// <summary>The saved artifacts of a run, by path.</summary>
    public IReadOnlyList<ArtifactRecord> ListArtifacts(long runId) => Read(connection =>
    {
        using var command = Command(connection, null, "SELECT run_id, path, folder, files, size, sha256, saved_at FROM artifacts WHERE run_id = $run ORDER BY path", ("$run", runId));
        using var reader = command.ExecuteReader();
        var artifacts = new List<ArtifactRecord>();
        while (reader.Read())
        {
            artifacts.Add(new ArtifactRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5), FromMillis(reader.GetInt64(6))));
        }

        return artifacts;
    });

    /// <summary>
    /// The last run of workflow <paramref name="workflow"/> in <paramref name="repoRoot"/> that ended done (what
    /// <c>deps: [{workflow}]</c> reads), or null.
    /// </summary>
    public RunRecord? LastSuccessfulRun(string repoRoot, string workflow) => Read(connection =>
    {
        using var command = Command(
            connection,
            null,
            $"SELECT {RunColumns} FROM runs WHERE repo = $repo AND status = $done AND json_extract(spec, '$.workflow') = $workflow ORDER BY finished_at DESC, id DESC LIMIT 1",
            ("$repo", repoRoot),
            ("$done", RunStatus.Done.ToText()),
            ("$workflow", workflow));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRun(reader) : null;
    });

    /// <summary>Names run <paramref name="runId"/> <paramref name="tag"/>; false when the tag names a run already (delete it first).</summary>
    public bool AddTag(string tag, long runId, DateTimeOffset now) => Write((connection, transaction) =>
    {
        using var insert = Command(connection, transaction, "INSERT INTO tags (name, run_id, created_at) VALUES ($name, $run, $at) ON CONFLICT (name) DO NOTHING", ("$name", tag), ("$run", runId), ("$at", Millis(now)));
        return insert.ExecuteNonQuery() == 1;
    });

    /// <summary>Deletes a tag (the run and its artifacts stay); false when there was none.</summary>
    public bool DeleteTag(string tag) => Write((connection, transaction) =>
    {
        using var delete = Command(connection, transaction, "DELETE FROM tags WHERE name = $name", ("$name", tag));
        return delete.ExecuteNonQuery() == 1;
    });

    /// <summary>The tag named <paramref name="tag"/>, or null.</summary>
    public TagRecord? FindTag(string tag) => ListTags().FirstOrDefault(t => t.Name == tag);

    /// <summary>Every tag, by name.</summary>
    public IReadOnlyList<TagRecord> ListTags() => Read(connection =>
    {
        using var command = Command(connection, null, "SELECT t.name, t.run_id, r.name, t.created_at FROM tags t JOIN runs r ON r.id = t.run_id ORDER BY t.name");
        using var reader = command.ExecuteReader();
        var tags = new List<TagRecord>();
        while (reader.Read())
        {
            tags.Add(new TagRecord(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), FromMillis(reader.GetInt64(3))));
        }

        return tags;
    });

    private static List<string> TagsOf(SqliteConnection connection, SqliteTransaction transaction, long runId)
    {
        using var command = Command(connection, transaction, "SELECT name FROM tags WHERE run_id = $run ORDER BY name", ("$run", runId));
        using var reader = command.ExecuteReader();
        var tags = new List<string>();
        while (reader.Read())
        {
            tags.Add(reader.GetString(0));
        }

        return tags;
    }
}
