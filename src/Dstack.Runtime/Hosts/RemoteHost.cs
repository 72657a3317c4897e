using System.Globalization;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Hosts;

/// <summary>
/// A machine reached over SSH as a job's host (a pool host; next, a cloud VM): one connection (an OpenSSH master) for
/// every command, the code uploaded into <c>~/.dstack-runs/RUN/job-N</c> with progress in the log, the job started
/// under the host's small supervisor (<see cref="RemoteJob"/>), its folder removed at the end, and its ports forwarded
/// through an SSH tunnel to the master host. A job with an <c>image</c> runs in a container of the host's Docker engine,
/// reached through its socket forwarded over the same connection (<see cref="SshDockerForward"/>), with the uploaded
/// code mounted at <c>/workflow</c>.
/// </summary>
public sealed partial class RemoteHost : IJobHost
{
    private readonly HostContext _context;
    private readonly Lock _gate = new();
    private SshConnection? _connection;
    private SshReconnect? _reconnect;

    public RemoteHost(SshHost host, Instance instance, HostContext context)
    {
        Host = host;
        Instance = instance;
        _context = context;
    }

    /// <summary>How to reach the machine.</summary>
    public SshHost Host { get; }

    /// <summary>
    /// Whether the machine's provider says it is gone for good (a cloud instance taken back), asked while it does not
    /// answer, so its jobs are lost at once rather than after the reconnect window; null when only SSH can tell.
    /// </summary>
    public Func<CancellationToken, Task<bool>>? Gone { get; init; }

    public Instance Instance { get; }

    public string Name => Host.Name;

    public SshHost? SshLogin => Host;

    public bool IsThisMachine => false;

    /// <summary>None: the job's login shell on the host sets its own.</summary>
    public IReadOnlyDictionary<string, string> BaseEnvironment { get; } = new Dictionary<string, string>();

    private SshConnection Connection
    {
        get
        {
            lock (_gate)
            {
                return _connection ??= new SshConnection(_context.Home, Host);
            }
        }
    }

    /// <summary>One reconnect window per host: a host that answers must not keep another's failure clock from running.</summary>
    private SshReconnect Reconnect
    {
        get
        {
            lock (_gate)
            {
                return _reconnect ??= new SshReconnect(SshReconnect.FromEnvironment(_context.ControllerEnvironment).Window) { Gone = Gone };
            }
        }
    }

    /// <summary>None: the host's own python3 is the job's (docs/backends.md says why).</summary>
    public string? PathPrefix => null;

    public Diagnostics.Diagnostic? Connect() => Connection.EnsureMaster();

    public async Task<JobCode> PrepareCodeAsync(CodeSnapshot snapshot, int rank, IProgress<long>? sent, CancellationToken cancellationToken)
    {
        if (Connect() is { } problem)
        {
            throw new JobCodeException(problem.Code, problem.Message);
        }

        var total = snapshot.TotalBytes;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await CodeUpload.SendAsync(Connection, RemoteJobFolder.For(_context.Home, _context.Run, rank), snapshot, bytes =>
            {
                sent?.Report(bytes);
                if (bytes < total)
                {
                    _context.Event(rank, $"dstack: uploading to {Name}: {Bytes.Format(bytes)} of {Bytes.Format(total)} ({Bytes.Percent(bytes, total)})");
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (CodeUploadException e)
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.CodeUploadFailed, e.Message);
        }

        // Hundredths: a local network moves 200 MB in a few tenths of a second (benchmarks/scripts/ssh_bench.sh reads this line).
        _context.Event(rank, $"dstack: uploaded to {Name}: {Bytes.Format(total)} in {clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
        return new JobCode(null);
    }

    public async Task PrepareImageAsync(int rank, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        if (_context.Spec.Image is { } image)
        {
            var engine = await Task.Run(() => Engine, cancellationToken).ConfigureAwait(false);
            await JobImage.PrepareAsync(engine, _context.Spec, image, rank, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    public IJobProcess StartJob(int rank, JobCode code, IReadOnlyDictionary<string, string> environment)
    {
        var spec = _context.Spec;
        _context.Event(rank, spec.Nodes > 1
            ? $"dstack: starting job {rank} of {spec.Nodes} on {Name} (rank {rank}, master {environment["DSTACK_MASTER_NODE_IP"]})"
            : $"dstack: starting the job on {Name}");
        if (spec.Image is { } image)
        {
            return StartContainer(rank, image, environment);
        }

        return RemoteJob.Start(Connection, RemoteJobFolder.For(_context.Home, _context.Run, rank), spec, environment, Reconnect, line => _context.Event(rank, line));
    }

    public async Task DownloadAsync(int rank, string path, string destination, CancellationToken cancellationToken, IProgress<(long Received, long Total)>? received = null)
    {
        if (Connect() is { } problem)
        {
            throw new JobCodeException(problem.Code, problem.Message);
        }

        if (!path.StartsWith('/') && path.Split('/').Contains(".."))
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.InvalidOption, $"{path}: the path leaves the job's code folder; name a path inside it, or an absolute one");
        }

        // Relative paths are archived from the job's code folder (so they keep it); an absolute one from its parent.
        var trimmed = path.TrimEnd('/');
        var (folder, entry) = path.StartsWith('/')
            ? (ShellQuote.Quote(System.IO.Path.GetDirectoryName(trimmed) ?? "/"), ShellQuote.Quote(System.IO.Path.GetFileName(trimmed)))
            : path.StartsWith("~/", StringComparison.Ordinal)
                ? ("\"$HOME\"", ShellQuote.Quote(trimmed[2..]))
                : ($"{RemoteJobFolder.For(_context.Home, _context.Run, rank).Path}/code", ShellQuote.Quote(trimmed));

        // The size first, on a line of its own, so the bytes that arrive can be shown as a share of it.
        var command = $"cd {folder} && printf '{SizeLine} %s\\n' \"$(du -sb -- {entry} 2>/dev/null | cut -f1)\" >&2 && tar -cf - -- {entry}";
        using var process = Connection.Start(command);
        var first = await process.StandardError.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var total = first is not null && first.StartsWith(SizeLine + " ", StringComparison.Ordinal) && long.TryParse(first[(SizeLine.Length + 1)..], out var size) ? size : 0;
        var errors = first is null || total > 0 || first.StartsWith(SizeLine, StringComparison.Ordinal)
            ? process.StandardError.ReadToEndAsync(cancellationToken)
            : Task.FromResult(first + "\n" + process.StandardError.ReadToEnd());
        IOException? failed = null;
        try
        {
            await using var counted = new CountingStream(process.StandardOutput.BaseStream, bytes => received?.Report((bytes, total)));
            await TarDownload.ExtractAsync(counted, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            failed = new IOException(e.Message, e);
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var said = (await errors.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0 || failed is not null)
        {
            var why = process.ExitCode != 0 && said.Length > 0 ? said.Split('\n')[0] : failed?.Message ?? $"tar exited with code {process.ExitCode}";
            throw new JobCodeException(Diagnostics.DiagnosticCodes.FileNotFound, $"{path} could not be copied from {Name} (job {rank}): {why}");
        }
    }

    /// <summary>The line a download's command starts with: the bytes it is about to send (<c>du -sb</c>).</summary>
    private const string SizeLine = "dstack-size";

    /// <summary>Removes the job's container and folder from the host (not from a lost host).</summary>
    public void CleanUp(IJobProcess job)
    {
        if (job is RemoteJob { LostReason: null } remote)
        {
            remote.RemoveFolder();
        }
        else if (job is ContainerJob { LostReason: null } container)
        {
            RemoveContainer(container);
        }
    }

    public void KillJob(int rank, int? pid, string token, int signal)
    {
        if (_context.Spec.Image is not null)
        {
            KillContainer(rank, token);
            return;
        }

        if (pid is not { } group)
        {
            return;
        }

        // The job's process is on its host: the ids of this machine mean nothing there.
        var folder = RemoteJobFolder.For(_context.Home, _context.Run, rank);
        Connection.Run($"({RemoteJobFolder.SignalCommand(group, signal, token)}); {folder.StopServerCommand()}; {folder.RemoveCommand()}", null, TimeSpan.FromSeconds(15));
    }

    /// <summary>Only the local ports are taken here (the job listens on its host), and kept until the tunnel opens.</summary>
    public PortReservation ReservePorts(IReadOnlyList<PortMapping> ports, string address, bool jobListening) => PortReservation.ReserveForRemote(ports, address);

    /// <summary>Nothing to check from here: the host's ports are seen only once the job starts there.</summary>
    public void CheckJobPorts(IReadOnlyList<PortMapping> ports)
    {
    }

    public IAsyncDisposable ForwardPorts(StateStore store, RunRecord run, PortReservation reservation, string address, Action<string> say) =>
        RunTunnel.Start(store, run, Host, reservation, null, say, () => MasterNow(store, run));

    /// <summary>
    /// The master host as the run's instance record says once the job runs: a cloud machine's address is known only
    /// after it was provisioned, while a front end asks for its ports as the run is submitted.
    /// </summary>
    private SshHost MasterNow(StateStore store, RunRecord run)
    {
        try
        {
            using var master = RunHosts.Master(store, run, _context.Spec);
            return master is RemoteHost remote ? remote.Host : Host;
        }
        catch (Exception e) when (e is StateException or InvalidOperationException)
        {
            return Host;
        }
    }

    public void Dispose()
    {
        DisposeEngine();
        lock (_gate)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }
}
