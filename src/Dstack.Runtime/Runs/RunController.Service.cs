using System.Globalization;
using System.Net;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Services;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// A service (<c>type: service</c>): the controller hosts its endpoint (<see cref="ServiceEndpoint"/>, so it outlives
/// the CLI that started it) and runs its replicas, each a job of its own rank provisioned like a node. A replica joins
/// the endpoint once its port accepts a connection; the first one to do so publishes the URL. A replica that exits is
/// restarted when <c>retry</c> covers errors; otherwise the run ends as a task would. With <c>scaling</c>, the request
/// rate decides the count (<see cref="ServiceScaler"/>). docs/services.md states every rule.
/// </summary>
public sealed partial class RunController
{
    /// <summary>The controller's variable that shortens the window the request rate is averaged over (1 to 59 seconds; tests).</summary>
    public const string RateWindowVariable = "DSTACK_SERVICE_RATE_WINDOW_SECONDS";

    /// <summary>How long a request waits for a replica when none is in the endpoint (starting, or scaled to zero).</summary>
    internal static readonly TimeSpan HoldWhenNoReplica = TimeSpan.FromSeconds(60);

    /// <summary>The attempt every replica's job record has: a service is one attempt, its replicas restart within it.</summary>
    private const int ReplicaRecordAttempt = 1;

    private static readonly TimeSpan ServiceTick = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReadinessPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a replica may take to listen on its port before it counts as failed.</summary>
    internal TimeSpan ReadinessLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Runs the service to its end: endpoint, replicas, restarts, scaling, then everything stopped.</summary>
    private async Task RunServiceAsync(ServiceSpec service)
    {
        _store.SetRunStatus(_run.Id, RunStatus.Provisioning, _time.GetUtcNow());
        while (_machines.Count < _spec.Nodes)
        {
            _machines.Add(null);
        }

        ServiceEndpoint endpoint;
        try
        {
            var token = service.Auth ? ServiceToken.GetOrCreate(Home) : null;
            endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions(_run.Name, ListenOf(service), new ReplicaSet(), token)
            {
                Model = service.Model?.ToModel(),
                HoldWhenNoReplica = HoldWhenNoReplica,
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ChatTemplateException or FormatException)
        {
            Event(0, $"dstack: {Diagnostics.DiagnosticCodes.PortBusy}: the service's endpoint could not start: {e.Message}; free the port (or choose another with -p LOCAL:{service.Port}), or use --host with an address of this machine");
            Finish(RunStatus.Failed, TerminationReason.StartFailed, null);
            return;
        }

        AttemptResult result;
        await using (endpoint.ConfigureAwait(false))
        {
            result = await new ServiceRun(this, service, endpoint).RunAsync().ConfigureAwait(false);
        }

        // The endpoint is closed before the run is recorded as ended: whoever sees the end finds the port free.
        Finish(result.Status, result.Reason, result.ExitCode);
    }

    private static IPEndPoint ListenOf(ServiceSpec service)
    {
        var address = service.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(service.Host);
        return new IPEndPoint(address, service.LocalPort ?? 0);
    }

    /// <summary>The URL the service is published at: the endpoint's port on its address (127.0.0.1 for every-interface addresses).</summary>
    private static string UrlOf(ServiceSpec service, ServiceEndpoint endpoint)
    {
        var host = service.Host is "0.0.0.0" or "::" or "localhost" ? "127.0.0.1" : service.Host;
        return new UriBuilder("http", host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host, endpoint.Address.Port, "/").Uri.ToString();
    }

    /// <summary>The window the request rate is averaged over: the last minute, or <see cref="RateWindowVariable"/>'s seconds.</summary>
    private TimeSpan RateWindow =>
        _controllerEnvironment.TryGetValue(RateWindowVariable, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 59
            ? TimeSpan.FromSeconds(seconds)
            : ServiceScaler.Window;

    /// <summary>One replica: its job, the port it was given, and the endpoint's way to it.</summary>
    private sealed class Replica(int rank, int attempt, RunningJob job, int port, long order)
    {
        public int Rank { get; } = rank;

        public int Attempt { get; } = attempt;

        public RunningJob Job { get; } = job;

        public int Port { get; } = port;

        /// <summary>The order replicas started in: scaling down stops the newest.</summary>
        public long Order { get; } = order;

        public ReachedPort? Reach { get; set; }

        public Task<bool> Ready { get; set; } = Task.FromResult(false);

        public CancellationTokenSource Cancel { get; } = new();

        public bool Joined { get; set; }

        /// <summary>Whether the end of <see cref="Ready"/> was dealt with (joined, or stopped for not listening).</summary>
        public bool ReadyTaken { get; set; }

        /// <summary>Whether a failure to reach its port was said in its log (said once).</summary>
        public bool ReachFailureSaid { get; set; }

        /// <summary>With <c>--reload</c>: the sync that copies edits into its working copy while it runs; null otherwise.</summary>
        public Snapshots.FolderSync? Reload { get; set; }
    }
}
