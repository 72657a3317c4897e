using System.Text;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.DevEnvironments;
using Dstack.Runtime.Logs;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// A dev environment while its job runs: once the job prints its ready line (after <c>setup</c> and <c>init</c>), the
/// environment is made reachable as the SSH host <c>RUN</c> of the generated SSH config (on this machine through a
/// loopback sshd started for it, on another machine at that machine's address), its IDE link and <c>ssh RUN</c> are
/// published (run endpoints, progress events, log lines), and <c>inactivity_duration</c> is watched. When the run ends
/// the server, the entry and the endpoints go.
/// </summary>
public sealed partial class RunController
{
    /// <summary>The run type of a dev environment (<c>type: dev-environment</c>).</summary>
    internal const string DevEnvironmentType = "dev-environment";
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The watch of a dev environment's job, or null for other runs; disposed after the jobs have ended.</summary>
    private DevEnvironmentWatch? WatchDevEnvironment() =>
        _spec.Type == DevEnvironmentType ? new DevEnvironmentWatch(this) : null;

    /// <summary>
    /// For a dev environment whose controller is gone (<see cref="RunMonitor"/> does its work): ends the loopback sshd it
    /// left (the job's processes, sessions included, are killed by their token) and removes the <c>ssh RUN</c> entry.
    /// </summary>
    internal static void CleanUpDevEnvironment(StateStore store, RunRecord run, RunSpec spec)
    {
        if (spec.Type != DevEnvironmentType)
        {
            return;
        }

        try
        {
            LoopbackSshServer.StopLeftover(LoopbackSshServer.FolderFor(store.Home, run.Name));
            SshClientConfig.FromEnvironment(store.Home).RemoveRun(run.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UnsafePathException or ArgumentException)
        {
            // Best effort: an entry left behind names a port nothing listens on.
        }
    }

    /// <summary>One attempt's dev environment: <see cref="Inactive"/> completes when <c>inactivity_duration</c> has passed.</summary>
    private sealed class DevEnvironmentWatch : IAsyncDisposable
    {
        private readonly RunController _controller;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<bool> _work;
        private readonly TaskCompletionSource _inactive = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IDevEnvironmentServer? _server;
        private SshClientConfig? _config;

        public DevEnvironmentWatch(RunController controller)
        {
            _controller = controller;
            _work = Task.Run(() => WatchAsync(_stop.Token));
        }

        /// <summary>Completes when the environment has had no SSH session for <c>inactivity_duration</c>; never otherwise.</summary>
        public Task Inactive => _inactive.Task;

        private RunController C => _controller;

        private async Task<bool> WatchAsync(CancellationToken cancellationToken)
        {
            var folder = await WaitForReadyAsync(cancellationToken).ConfigureAwait(false);
            if (folder is null)
            {
                return false;
            }

            var readyAt = C._time.GetUtcNow();
            var host = C.HostOf(0);
            var name = C._run.Name;

            // With an image the sessions run in the job's container, in the folder its ready line names; without, in
            // the job's working folder (the working copy on this machine, the ready line's folder on another).
            var container = C._spec.Image is null ? null : Containers.ContainerLaunch.ContainerName(name, 0);
            var path = container is null ? host.LocalPath(0, C._spec.WorkingDir is { Length: > 0 } dir ? dir : ".") ?? folder : folder;
            SshHost login;
            try
            {
                var key = ProjectKey.Of(C.Home);
                var session = new DevEnvironmentSession(name, LoopbackSshServer.FolderFor(C.Home, name), path, C.EnvironmentFor(0), container, key.PublicKey, key.PrivateKeyFile);
                try
                {
                    _server = host.StartDevEnvironmentServer(0, session);
                    login = _server.Login with { Name = name };
                }
                catch (DevEnvironmentServerException e) when (host.SshLogin is { } machine)
                {
                    // The machine itself is still reachable: ssh RUN logs in there, as dstack does.
                    C.Event(0, $"dstack: warning: {Diagnostics.DiagnosticCodes.DevEnvironmentUnreachable}: the dev environment's own SSH server could not be started on {host.Name}: {e.Message}; ssh {name} logs in to the machine itself instead (your home there, without the job's environment{(container is null ? string.Empty : ", outside its container")}), and inactivity_duration is not honoured");
                    login = machine with { Name = name };
                }

                _config = SshClientConfig.FromEnvironment(C.Home, C._controllerEnvironment);
                _config.AddRun(name, login, null);
                _config.EnsureIncluded();
            }
            catch (Exception e) when (e is DevEnvironmentServerException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or UnsafePathException)
            {
                C.Event(0, $"dstack: {Diagnostics.DiagnosticCodes.DevEnvironmentUnreachable}: the dev environment runs, but ssh {name} is not set up: {e.Message}");
                return false;
            }

            var ide = IdeLink.Parse(C._spec.Ide) ?? Configuration.Model.IdeKind.VsCode;
            var link = IdeLink.For(ide, name, path);
            C._store.SetRunEndpoint(C._run.Id, RunEndpointKind.Ide, link);
            C._store.SetRunEndpoint(C._run.Id, RunEndpointKind.Ssh, name);
            C.Progress.Report(new EndpointProgress(0, RunEndpointKind.Ide, link));
            C.Progress.Report(new EndpointProgress(0, RunEndpointKind.Ssh, name));
            C.Event(0, $"dstack: open the dev environment in {(ide == Configuration.Model.IdeKind.Cursor ? "Cursor" : "VS Code")}: {link}");
            C.Event(0, $"dstack: connect with: {_config.ConnectCommand(name)}");

            if (C._spec.InactivityDuration is not { } seconds)
            {
                return true;
            }

            if (_server is not { } server)
            {
                C.Event(0, $"dstack: warning: inactivity_duration ({new Configuration.Model.Duration(seconds)}) is not honoured without the dev environment's own SSH server; this environment runs until it is stopped or reaches max_duration");
                return true;
            }

            var rule = new InactivityRule(TimeSpan.FromSeconds(seconds), readyAt);
            C.Event(0, $"dstack: it ends after {new Configuration.Model.Duration(seconds)} with no SSH session attached (inactivity_duration)");
            while (!cancellationToken.IsCancellationRequested)
            {
                // A count the machine did not answer is skipped: a link that drops for a while does not end the environment.
                if (server.CountSessions() is { } sessions && rule.Observe(C._time.GetUtcNow(), sessions))
                {
                    C.Event(0, $"dstack: no SSH session for inactivity_duration ({new Configuration.Model.Duration(seconds)}): stopping the dev environment");
                    _inactive.TrySetResult();
                    return true;
                }

                var wait = rule.Remaining(C._time.GetUtcNow()) is { } left && left < server.SessionInterval ? left : server.SessionInterval;
                await Task.Delay(wait, C._time, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        /// <summary>
        /// The folder the job's ready line names, once it is in the job's log; null when the run ends first. The log
        /// holds every attempt: a ready line counts only after the last <c>dstack: starting</c> line (which the host
        /// writes just before it starts the job, so it is there when this watch begins), and all that is in the log is
        /// read before deciding.
        /// </summary>
        private async Task<string?> WaitForReadyAsync(CancellationToken cancellationToken)
        {
            using var reader = new JobLogReader(C.Home.LogFile(C._run.Name, 0));
            var pending = new List<byte>();
            string? folder = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var chunk in reader.ReadAvailable())
                {
                    if (chunk.Stream == LogStream.Event)
                    {
                        if (Encoding.UTF8.GetString(chunk.Data.Span).StartsWith("dstack: starting", StringComparison.Ordinal))
                        {
                            folder = null;
                            pending.Clear();
                        }

                        continue;
                    }

                    if (chunk.Stream != LogStream.Stdout)
                    {
                        continue;
                    }

                    foreach (var b in chunk.Data.Span)
                    {
                        if (b != (byte)'\n')
                        {
                            pending.Add(b);
                            continue;
                        }

                        folder = ReadyLine.FolderOf(Encoding.UTF8.GetString([.. pending])) ?? folder;
                        pending.Clear();
                    }
                }

                if (folder is not null)
                {
                    return folder;
                }

                await Task.Delay(ReadyPoll, C._time, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        /// <summary>Stops the watch, the server (and every session), removes the SSH entry and the endpoints.</summary>
        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _work.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The environment's end is not held up by what went wrong in its watch; the log says what it was.
                C.Event(0, $"dstack: warning: the dev environment's watch failed: {e.Message}");
            }

            if (_server is not null)
            {
                // On the job's machine: the server, every session, and what a session detached (nohup, setsid: it
                // carries the job's token), and the server's files.
                _server.Dispose();
            }

            try
            {
                _config?.RemoveRun(C._run.Name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                C.Event(0, $"dstack: warning: the ssh {C._run.Name} entry could not be removed from {_config?.Path}: {e.Message}");
            }

            try
            {
                C._store.ClearRunEndpoints(C._run.Id);
            }
            catch (StateException)
            {
                // Cleared again when the run's final status is written.
            }

            _stop.Dispose();
        }
    }
}
