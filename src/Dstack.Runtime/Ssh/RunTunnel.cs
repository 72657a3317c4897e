using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// The ports of a run on SSH hosts, forwarded while a front end is attached: the local ports stay reserved until the
/// job runs (a long upload or setup never meets a tunnel opened too early), then the reservation is released and an
/// <see cref="SshTunnel"/> to the master host (rank 0) takes the same ports at once. A dropped link ends the tunnel;
/// it is opened again every few seconds for as long as the run goes on. <c>ssh RUN</c> works meanwhile through the
/// generated <see cref="SshClientConfig"/>. What happens is told through <c>say</c>; the core prints nothing.
/// </summary>
public sealed class RunTunnel : IAsyncDisposable
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReopenDelay = TimeSpan.FromSeconds(2);

    private readonly StateStore _store;
    private readonly RunRecord _run;
    private readonly SshHost _host;
    private readonly PortReservation _reservation;
    private readonly SshClientConfig _config;
    private readonly Action<string> _say;
    private readonly Func<SshHost>? _hostWhenRunning;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _work;
    private SshTunnel? _tunnel;

    /// <summary>The <c>ssh RUN</c> entry this tunnel wrote; null when it wrote none (a dev environment's controller owns it).</summary>
    private string? _entry;

    private RunTunnel(StateStore store, RunRecord run, SshHost host, PortReservation reservation, SshClientConfig config, Action<string> say, Func<SshHost>? hostWhenRunning)
    {
        _hostWhenRunning = hostWhenRunning;
        _store = store;
        _run = run;
        _host = host;
        _reservation = reservation;
        _config = config;
        _say = say;
        _work = Task.Run(() => KeepOpenAsync(_stop.Token));
    }

    /// <summary>Starts forwarding the reserved ports of <paramref name="run"/> once its jobs run.</summary>
    /// <param name="store">The state store, watched for the run's status.</param>
    /// <param name="run">The run.</param>
    /// <param name="host">The master host (rank 0), where the ports are.</param>
    /// <param name="reservation">Its local ports, reserved with <see cref="PortReservation.ReserveForRemote"/>; the tunnel owns it from now on.</param>
    /// <param name="environment">This process's environment (HOME, DSTACK_SSH_CONFIG_INCLUDE).</param>
    /// <param name="say">Receives one line per event: ports forwarded, link lost, forwarding again.</param>
    /// <param name="hostWhenRunning">Where the master is once the jobs run, when <paramref name="host"/> was only planned (a cloud instance not yet made).</param>
    public static RunTunnel Start(StateStore store, RunRecord run, SshHost host, PortReservation reservation, IReadOnlyDictionary<string, string>? environment, Action<string> say, Func<SshHost>? hostWhenRunning = null) =>
        new(store, run, host, reservation, SshClientConfig.FromEnvironment(store.Home, environment), say, hostWhenRunning);

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

        _tunnel?.Dispose();
        _reservation.Dispose();
        try
        {
            if (_entry is not null)
            {
                _config.RemoveRunIfUnchanged(_run.Name, _entry);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        _stop.Dispose();
    }

    private async Task KeepOpenAsync(CancellationToken cancellationToken)
    {
        if (!await WaitUntilRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var host = _hostWhenRunning?.Invoke() ?? _host;
        var ports = _reservation.Release();
        try
        {
            _tunnel = SshTunnel.Open(_store.Home, host, _run.Name, _reservation.Host, ports, OpenTimeout);
        }
        catch (SshTunnelException e)
        {
            // A short job may end, and its machine go, while the tunnel opens: that is no error.
            var ended = cancellationToken.IsCancellationRequested || _store.FindRun(_run.Id) is not { } current || current.Status.IsFinished();
            if (!ended)
            {
                _say($"dstack: error {e.Code}: {e.Message}");
            }

            return;
        }

        if (ports.Count > 0)
        {
            _say($"Forwarded ports (local -> {host.Name}):");
            foreach (var port in ports)
            {
                _say($"  http://{(_reservation.Host is "0.0.0.0" or "::" ? "localhost" : _reservation.Host)}:{port.LocalPort} -> {port.ContainerPort}");
            }
        }

        AddSshEntry(host);
        while (!cancellationToken.IsCancellationRequested)
        {
            var why = await _tunnel.ExitedUnexpectedly.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (Ending())
            {
                // The run is being stopped (its machine goes, and the link with it) or has ended: nothing to forward again.
                return;
            }

            _say($"dstack: the connection to {host.Name} dropped ({why}); forwarding the ports again once it is back");
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(ReopenDelay, cancellationToken).ConfigureAwait(false);
                if (Ending())
                {
                    return;
                }

                try
                {
                    _tunnel = _tunnel.Reopen(OpenTimeout);
                    _say($"dstack: the ports are forwarded again to {host.Name}");
                    break;
                }
                catch (SshTunnelException)
                {
                    // Still unreachable: try again while the run goes on.
                }
            }
        }
    }

    /// <summary>Whether the run is gone, stopping (<see cref="RunStatus.Terminating"/>: its jobs are being stopped and its machine released) or ended.</summary>
    private bool Ending() => _store.FindRun(_run.Id) is not { } current || current.Status == RunStatus.Terminating || current.Status.IsFinished();

    private async Task<bool> WaitUntilRunningAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = _store.FindRun(_run.Id);
            if (current is null || current.Status.IsFinished())
            {
                return false;
            }

            if (current.Status == RunStatus.Running)
            {
                return true;
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsDevEnvironment()
    {
        try
        {
            return RunSpec.FromJson(_run.Spec).Type == RunController.DevEnvironmentType;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private void AddSshEntry(SshHost host)
    {
        try
        {
            if (IsDevEnvironment() || _store.ListRunEndpoints(_run.Id).Any(e => e.Kind == RunEndpointKind.Ssh))
            {
                // A dev environment: its controller writes the entry once the environment is ready and keeps it for as
                // long as it runs. Decided by the run's type, not by whether that entry is there yet: one written
                // here while the controller writes its own could replace it, and ssh RUN would miss the environment.
                return;
            }

            _entry = _config.Entry(_run.Name, host, _tunnel?.ControlSocket);
            _config.AddRun(_run.Name, host, _tunnel?.ControlSocket);
            _config.EnsureIncluded();
            _say($"To log in to {host.Name}: {_config.ConnectCommand(_run.Name)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _say($"dstack: ssh {_run.Name} is not set up ({e.Message}); log in with ssh {host.Destination}");
        }
    }
}
