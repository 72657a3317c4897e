using System.Diagnostics;
using System.Globalization;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// A job running on an SSH host under the small supervisor of <see cref="RemoteJobFolder"/>: it runs detached from
/// any SSH session, so a dropped connection does not reach it, and the controller follows it from here: its output
/// through <see cref="ResumingOutputStream"/>s, its end through a wait that also survives reconnects. When the host
/// stays unreachable past the reconnect window (or its supervisor vanished), the job is lost and says why.
/// </summary>
public sealed class RemoteJob : IJobProcess
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly SshConnection _connection;
    private readonly RemoteJobFolder _folder;
    private readonly SshReconnect _reconnect;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ResumingOutputStream _stdout;
    private readonly ResumingOutputStream _stderr;
    private readonly Action<string> _notify;
    private readonly string? _token;

    private RemoteJob(SshConnection connection, RemoteJobFolder folder, int pid, string? token, SshReconnect reconnect, Action<string> notify)
    {
        _notify = notify;
        _token = token;
        _connection = connection;
        _folder = folder;
        _reconnect = reconnect;
        Pid = pid;
        _stdout = new ResumingOutputStream(connection, folder, "stdout", pid, reconnect);
        _stderr = new ResumingOutputStream(connection, folder, "stderr", pid, reconnect);
        Exited = WaitAsync(_disposed.Token);
    }

    public int Pid { get; }

    public SshHost Host => _connection.Host;

    public Stream Stdout => _stdout;

    public Stream Stderr => _stderr;

    public Task<int> Exited { get; }

    public string? LostReason { get; private set; }

    /// <summary>
    /// Starts the job in <paramref name="folder"/> (its code already uploaded) with <paramref name="environment"/>;
    /// throws <see cref="JobStartException"/> with the host's words when it cannot.
    /// </summary>
    /// <param name="connection">The host's connection.</param>
    /// <param name="folder">The job's folder there.</param>
    /// <param name="spec">The run.</param>
    /// <param name="environment">The job's variables.</param>
    /// <param name="reconnect">The host's reconnect window.</param>
    /// <param name="notify">Told when the connection drops and when it is back (lines for the run's log).</param>
    public static RemoteJob Start(SshConnection connection, RemoteJobFolder folder, RunSpec spec, IReadOnlyDictionary<string, string> environment, SshReconnect reconnect, Action<string>? notify = null)
    {
        connection.EnsureMaster();
        var run = connection.Run("sh -s", folder.StartScript(spec, environment, spec.WorkingDir), CommandTimeout);
        var pidLine = run.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("dstack-pid ", StringComparison.Ordinal));
        if (run.ExitCode == 0 && pidLine is not null && int.TryParse(pidLine["dstack-pid ".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return new RemoteJob(connection, folder, pid, environment.GetValueOrDefault(JobProcess.TokenVariable), reconnect, notify ?? (_ => { }));
        }

        if (run.ExitCode == SshFailure.SshError || run.TimedOut || run.NotStarted is not null)
        {
            throw new JobStartException($"the job could not be started on {connection.Host.Name}: {connection.Describe(run, CommandTimeout).Message}");
        }

        var said = string.Join(' ', (run.Error + "\n" + run.Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l != "dstack-not-started").Take(3));
        throw new JobStartException($"the job could not be started on {connection.Host.Name} ({connection.Host.Address}): {(said.Length > 0 ? said : $"the start script exited with code {run.ExitCode}")}; the host needs a POSIX sh, setsid (util-linux) and GNU tail");
    }

    /// <summary>Signals the job's group and every process on the host that carries the job's token (what it detached).</summary>
    public bool SignalGroup(int signal) => _connection.Run(RemoteJobFolder.SignalCommand(Pid, signal, _token), null, CommandTimeout).ExitCode == 0;

    public bool IsGroupAlive => !_reconnect.IsLost && _connection.Run(RemoteJobFolder.AliveCommand(Pid, _token), null, CommandTimeout).ExitCode == 0;

    /// <summary>
    /// Removes the job's folder from the host (best effort: a lost host keeps it). A removal that failed, or that left
    /// the folder, is said in the run's log with the command to remove it by hand (not tried again: a host that does
    /// not answer would hold the run's end for another <see cref="CommandTimeout"/>).
    /// </summary>
    public void RemoveFolder()
    {
        if (_reconnect.IsLost)
        {
            return;
        }

        var run = _connection.Run(_folder.RemoveCommand(), null, CommandTimeout);
        var left = run.Output.Contains(RemoteJobFolder.LeftLine, StringComparison.Ordinal);
        if (run.ExitCode != 0 || run.TimedOut || left)
        {
            var why = left ? "it was still there after the tries" : _connection.Describe(run, CommandTimeout).Message;
            var shown = _folder.Path.Replace("\"", string.Empty, StringComparison.Ordinal).Replace("$HOME", "~", StringComparison.Ordinal);
            _notify($"dstack: warning: the job's folder {shown} could not be removed from {Host.Name} ({why}); remove it there by hand (rm -rf {shown})");
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        var dropped = false;
        while (true)
        {
            Process process;
            try
            {
                process = _connection.Start(_folder.WaitCommand());
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                LostReason = $"ssh could not be started: {e.Message}";
                return SshFailure.SshError;
            }

            string output;
            string errors;
            using (process)
            {
                var error = process.StandardError.ReadToEndAsync(cancellationToken);
                try
                {
                    output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    errors = await error.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    TryKill(process);
                    throw;
                }
            }

            foreach (var line in output.Split('\n').Select(l => l.Trim()))
            {
                if (line.StartsWith("dstack-exit ", StringComparison.Ordinal) && int.TryParse(line["dstack-exit ".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                {
                    _reconnect.Succeeded();
                    return code;
                }

                if (line == "dstack-lost")
                {
                    LostReason = $"the job's supervisor on {Host.Name} is gone without an exit code (the host restarted, or its processes were killed)";
                    return SshFailure.SshError;
                }
            }

            var why = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (!dropped)
            {
                dropped = true;
                _notify($"dstack: the connection to {Host.Name} dropped{(why is null ? string.Empty : $" ({why})")}; the job goes on there; reconnecting for up to {FormatWindow(_reconnect.Window)}");
            }

            if (!await _reconnect.WaitBeforeRetryAsync(cancellationToken).ConfigureAwait(false))
            {
                LostReason = $"{Host.Name} ({Host.Address}) has not answered for {FormatWindow(_reconnect.Window)}{(why is null ? string.Empty : $" (ssh: {why})")}";
                return SshFailure.SshError;
            }

            if (_connection.EnsureMaster() is null)
            {
                dropped = false;
                _notify($"dstack: reconnected to {Host.Name}; the logs go on from where they stopped");
            }
        }
    }

    private static string FormatWindow(TimeSpan window) => window.TotalSeconds < 120 ? $"{window.TotalSeconds:0} seconds" : $"{window.TotalMinutes:0.#} minutes";

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
    }
}
