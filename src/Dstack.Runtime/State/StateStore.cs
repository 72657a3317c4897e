using Microsoft.Data.Sqlite;

namespace Dstack.Runtime.State;

/// <summary>
/// Runs, jobs, status history, instances, artifacts, tags and run endpoints in <c>$DSTACK_HOME/state.db</c>: SQLite in WAL mode, so readers never block the
/// writer, and short immediate transactions, so two <c>dstack</c> processes at once never lose or corrupt a record
/// (SQLite serialises the writers; a busy database is waited for, up to <see cref="BusyTimeout"/>).
/// </summary>
public sealed partial class StateStore
{
    private const int SchemaVersion = 4;

    private const int SqliteCorrupt = 11;

    private const int SqliteNotADatabase = 26;

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;

    private StateStore(DstackHome home)
    {
        Home = home;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = home.StateDatabase,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public DstackHome Home { get; }

    /// <summary>Opens (creating when needed) the store of <paramref name="home"/>; throws <see cref="StateException"/> when it cannot.</summary>
    public static StateStore Open(DstackHome home)
    {
        try
        {
            Directory.CreateDirectory(home.Root);
            var store = new StateStore(home);
            store.Migrate();
            return store;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StateException($"{home.StateDatabase}: the state store cannot be opened ({Describe(e)}); {Advice(home, e)}", e);
        }
    }

    /// <summary>What to do: a damaged file is moved aside (its runs are forgotten); anything else is about access.</summary>
    private static string Advice(DstackHome home, Exception e) => e is SqliteException { SqliteErrorCode: SqliteNotADatabase or SqliteCorrupt }
        ? $"the file is damaged or is not dstack's state; move it aside with its -wal and -shm files (mkdir {home.Root}/damaged && mv {home.StateDatabase}* {home.Root}/damaged/) and dstack starts a new one, forgetting the runs it recorded"
        : "check that the folder is writable, or set DSTACK_HOME to another folder";

    private static string Describe(Exception e) => e is SqliteException sqlite ? $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message.Replace("SQLite Error ", string.Empty, StringComparison.Ordinal)}" : e.Message;

    private void Migrate()
    {
        using var connection = Connect();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        if (UserVersion(connection, null) >= SchemaVersion)
        {
            return;
        }

        // Two processes may open a new or older store at once (the CLI and its controller): the version is read again
        // inside a write transaction, so only the first migrates and the other finds it done.
        using var transaction = connection.BeginTransaction(deferred: false);
        var current = UserVersion(connection, transaction);
        if (current >= SchemaVersion)
        {
            return;
        }

        Execute(connection, """
            CREATE TABLE IF NOT EXISTS runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL,
                configuration TEXT NOT NULL,
                repo TEXT NOT NULL,
                spec TEXT NOT NULL,
                submitted_at INTEGER NOT NULL,
                finished_at INTEGER,
                exit_code INTEGER,
                reason TEXT,
                runner_pid INTEGER, -- the controller process (named "runner" when the column was made)
                stop_request TEXT NOT NULL DEFAULT 'none',
                attempt INTEGER NOT NULL DEFAULT 1
            );
            CREATE TABLE IF NOT EXISTS jobs (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                job_num INTEGER NOT NULL,
                attempt INTEGER NOT NULL,
                status TEXT NOT NULL,
                pid INTEGER,
                exit_code INTEGER,
                started_at INTEGER,
                finished_at INTEGER,
                PRIMARY KEY (run_id, job_num, attempt)
            );
            CREATE TABLE IF NOT EXISTS status_history (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                job_num INTEGER,
                status TEXT NOT NULL,
                at INTEGER NOT NULL,
                reason TEXT
            );
            CREATE INDEX IF NOT EXISTS status_history_run ON status_history(run_id, id);
            """, transaction);
        // Version 2: instances. Not tied to runs by a foreign key: a run deleted (replaced by name) must not take the
        // record of a machine that may still exist with it.
        Execute(connection, InstancesTable, transaction);
        Execute(connection, RunEventsTable, transaction);
        if (!HasColumn(connection, transaction, "jobs", "instance_id"))
        {
            // Version 2: the machine each job runs on (instances.id).
            Execute(connection, "ALTER TABLE jobs ADD COLUMN instance_id INTEGER;", transaction);
        }
        // Version 3: pipelines' artifacts and tags.
        Execute(connection, ArtifactsTable, transaction);
        Execute(connection, TagsTable, transaction);
        // Version 4: where a running service or dev environment is reached.
        Execute(connection, RunEndpointsTable, transaction);
        Execute(connection, $"PRAGMA user_version = {SchemaVersion};", transaction);
        transaction.Commit();
    }

    private static int UserVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        version.Transaction = transaction;
        return Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool HasColumn(SqliteConnection connection, SqliteTransaction transaction, string table, string column)
    {
        using var info = connection.CreateCommand();
        info.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $column;";
        info.Transaction = transaction;
        info.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(info.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
        // The last connection of a process to close would copy the WAL into state.db and delete it: three fsyncs on the
        // way out of every command, which the CLI's exit (and `dstack run`'s end) waited for. SQLite's automatic
        // checkpoint (every 1,000 pages of WAL) does that work instead; the WAL stays beside state.db, as it may anyway.
        SQLitePCL.raw.sqlite3_db_config(connection.Handle, SQLitePCL.raw.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, out _);
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        try
        {
            using var connection = Connect();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch (SqliteException e)
        {
            throw new StateException($"{Home.StateDatabase}: the state store could not be written ({Describe(e)}); if another dstack process holds it for long, try again", e);
        }
    }

    private T Read<T>(Func<SqliteConnection, T> work)
    {
        try
        {
            using var connection = Connect();
            return work(connection);
        }
        catch (SqliteException e)
        {
            throw new StateException($"{Home.StateDatabase}: the state store could not be read ({Describe(e)})", e);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);
}
