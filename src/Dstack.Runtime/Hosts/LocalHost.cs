using Dstack.Runtime.Backends;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Python;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Hosts;

/// <summary>
/// This machine as a job's host: the code is copied into a working copy under <c>$DSTACK_HOME/runs/RUN/code/job-N</c>,
/// the job runs as a process group of its own (in a Docker container with <c>image</c>), its ports listen here and are
/// forwarded from the address the user chose, and a job whose controller is gone is found by its token in /proc.
/// </summary>
public sealed class LocalHost(Instance instance, HostContext context) : IJobHost
{
    public string Name => "this machine";

    public bool IsThisMachine => true;

    public Instance Instance { get; } = instance;

    public IReadOnlyDictionary<string, string> BaseEnvironment => context.ControllerEnvironment;

    /// <summary>A folder with <c>python</c> and <c>python3</c> for the interpreter the plan found, made once.</summary>
    public string? PathPrefix
    {
        get
        {
            if (_pathPrefix is null && Instance.Offer.Data.TryGetValue(Offer.PythonKey, out var python))
            {
                _pathPrefix = PythonInterpreter.CreateShimFolder(python, Path.Combine(context.Home.RunFolder(context.Run.Name), "python"));
            }

            return _pathPrefix;
        }
    }

    private string? _pathPrefix;

    public Diagnostics.Diagnostic? Connect() => null;

    public Task<JobCode> PrepareCodeAsync(CodeSnapshot snapshot, int rank, IProgress<long>? sent, CancellationToken cancellationToken)
    {
        var home = context.Home;
        var target = Path.Combine(home.CodeFolder(context.Run.Name), $"job-{rank}");
        try
        {
            RunController.TryDelete(home.RunsFolder, target);
            snapshot.CopyTo(target, cancellationToken);
        }
        catch (Exception e) when (e is SnapshotException or IOException or UnauthorizedAccessException)
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.JobStartFailed, $"the working copy could not be made: {e.Message}");
        }

        sent?.Report(snapshot.TotalBytes);
        return Task.FromResult(new JobCode(target));
    }

    public async Task PrepareImageAsync(int rank, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        if (context.Spec.Image is { } image)
        {
            await JobImage.PrepareAsync(Engine, context.Spec, image, rank, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    public IJobProcess StartJob(int rank, JobCode code, IReadOnlyDictionary<string, string> environment)
    {
        var spec = context.Spec;
        var copy = code.LocalFolder ?? throw new InvalidOperationException("a job on this machine runs in a working copy here");
        var starting = spec.Nodes > 1 ? $"dstack: starting job {rank} of {spec.Nodes} (rank {rank}, master 127.0.0.1)" : "dstack: starting the job";
        if (spec.Image is { } image)
        {
            CreateInstanceFolders(spec);
            context.Event(rank, $"{starting} in a container of {ImageToRun ?? image}");
            var request = ContainerLaunch.For(spec, rank, ImageToRun ?? image, copy, environment);
            return ContainerJob.StartAsync(Engine, request, CancellationToken.None).GetAwaiter().GetResult();
        }

        var workingDirectory = spec.WorkingDir is { Length: > 0 } dir ? Path.GetFullPath(Path.Combine(copy, dir)) : copy;
        Directory.CreateDirectory(workingDirectory);
        context.Event(rank, starting);
        return JobProcess.Start(spec.Shell, ["-c", spec.Script], workingDirectory, environment);
    }

    /// <summary>An instance volume's folder missing on this machine is made (as dstack's shim does), owned by this user rather than by the engine.</summary>
    internal static void CreateInstanceFolders(RunSpec spec)
    {
        foreach (var mount in spec.Mounts)
        {
            try
            {
                Directory.CreateDirectory(mount.HostPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ContainerStartException($"volumes: {mount.HostPath} does not exist on this machine and could not be made ({e.Message}); create it, or change instance_path");
            }
        }
    }

    /// <summary>A loopback sshd of this machine, letting in the project key (<see cref="DevEnvironments.LoopbackSshServer"/>).</summary>
    public DevEnvironments.IDevEnvironmentServer StartDevEnvironmentServer(int rank, DevEnvironments.DevEnvironmentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var server = DevEnvironments.LoopbackSshServer.Start(session.LocalFolder, session.ProjectKeyPublic, session.WorkingFolder, session.Environment, container: session.Container);
        server.Alias = session.Alias;
        server.IdentityFile = session.ProjectKeyFile;
        return server;
    }

    /// <summary>The image the jobs run in when it is not the spec's: the one their build made (<see cref="BuildCache"/>).</summary>
    public string? ImageToRun { get; set; }

    /// <summary>This machine's Docker engine (<c>DOCKER_HOST</c> of the controller's environment), opened once.</summary>
    public ContainerEngine Engine
    {
        get
        {
            lock (_gate)
            {
                return _engine ??= DockerEngine.Connect(context.ControllerEnvironment);
            }
        }
    }

    private readonly Lock _gate = new();
    private ContainerEngine? _engine;

    public string? LocalPath(int rank, string path)
    {
        var code = Path.Combine(context.Home.CodeFolder(context.Run.Name), $"job-{rank}");
        if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            return Path.Combine(UserHome, path[2..]);
        }

        var full = Path.GetFullPath(path, code);
        return Path.IsPathRooted(path) || !Path.GetRelativePath(code, full).StartsWith("..", StringComparison.Ordinal) ? full : null;
    }

    /// <summary>The home of the user the jobs run as here: the controller's HOME.</summary>
    private string UserHome => BaseEnvironment.GetValueOrDefault("HOME") is { Length: > 0 } home ? home : System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    public Task UploadAsync(int rank, string source, string path, bool readOnly, CancellationToken cancellationToken)
    {
        var target = LocalPath(rank, path) ?? throw new JobCodeException(Diagnostics.DiagnosticCodes.InvalidOption, $"{path}: the path leaves the job's code folder; name a path inside it, under ~, or an absolute one");
        try
        {
            Pipelines.TreeCopy.Into(source, target, readOnly, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.FileNotFound, $"{source} could not be copied to {target} for job {rank}: {e.Message}");
        }

        return Task.CompletedTask;
    }

    public Task DownloadAsync(int rank, string path, string destination, CancellationToken cancellationToken, IProgress<(long Received, long Total)>? received = null)
    {
        var code = Path.Combine(context.Home.CodeFolder(context.Run.Name), $"job-{rank}");
        var fromHome = path.StartsWith("~/", StringComparison.Ordinal);
        var source = fromHome ? Path.Combine(UserHome, path[2..]) : Path.GetFullPath(path, code);
        var relative = fromHome ? path[2..].TrimEnd('/') : Path.IsPathRooted(path) ? Path.GetFileName(source.TrimEnd('/')) : Path.GetRelativePath(code, source);
        if (relative.StartsWith("..", StringComparison.Ordinal))
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.InvalidOption, $"{path}: the path leaves the job's code folder; name a path inside it, or an absolute one");
        }

        var kind = EntryKinds.Of(source);
        if (kind == EntryKind.Missing)
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.FileNotFound, $"{path}: no such file or folder in job {rank}'s code folder on this machine ({source})");
        }

        try
        {
            Copy(source, Path.Combine(Path.GetFullPath(destination), relative), kind, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.FileNotFound, $"{path} could not be copied from job {rank}: {e.Message}");
        }

        return Task.CompletedTask;
    }

    /// <summary>Copies a file, a link (as a link) or a folder (recursively); special files are left out.</summary>
    private static void Copy(string source, string target, EntryKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (kind)
        {
            case EntryKind.File:
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target, overwrite: true);
                break;
            case EntryKind.Link:
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Delete(target);
                File.CreateSymbolicLink(target, new FileInfo(source).LinkTarget!);
                break;
            case EntryKind.Folder:
                Directory.CreateDirectory(target);
                foreach (var entry in Directory.EnumerateFileSystemEntries(source))
                {
                    Copy(entry, Path.Combine(target, Path.GetFileName(entry)), EntryKinds.Of(entry), cancellationToken);
                }

                break;
        }
    }

    public void CleanUp(IJobProcess job)
    {
        // The container is kept until its output and exit code are read; nothing of it is left after.
        (job as ContainerJob)?.Remove();
    }

    public void KillJob(int rank, int? pid, string token, int signal)
    {
        if (context.Spec.Image is not null)
        {
            // The container's processes are the engine's: removing the container ends them (its pid is not ours to signal).
            try
            {
                ContainerJob.RemoveLeftover(Engine, ContainerLaunch.ContainerName(context.Run.Name, rank), token);
                if (rank == 0)
                {
                    ContainerJob.RemoveLeftover(Engine, ContainerLaunch.BuildContainerName(context.Run.Name), token);
                }
            }
            catch (ContainerStartException)
            {
                // DOCKER_HOST names no engine this tool can reach: there is no container of ours either.
            }
        }
        else if (pid is { } group)
        {
            Signals.SignalGroup(group, signal);
        }

        // What the job detached (and the build, which keeps no job record) carries the token.
        MarkedProcesses.Signal(JobProcess.TokenVariable, token, signal);
    }

    public PortReservation ReservePorts(IReadOnlyList<PortMapping> ports, string address, bool jobListening) => PortReservation.Reserve(ports, address, jobListening);

    public void CheckJobPorts(IReadOnlyList<PortMapping> ports)
    {
        foreach (var port in ports.Where(p => !PortReservation.IsFree("127.0.0.1", p.ContainerPort)))
        {
            throw new PortUnavailableException(port.ContainerPort, port, Diagnostics.DiagnosticCodes.PortBusy, $"port {port.ContainerPort} is already in use on this machine, so the job could not listen on it; stop what uses it (ss -ltnp 'sport = :{port.ContainerPort}' shows it), or change the port");
        }
    }

    public IAsyncDisposable ForwardPorts(StateStore store, RunRecord run, PortReservation reservation, string address, Action<string> say)
    {
        var forwarders = reservation.StartForwarding();
        if (reservation.Ports.Count > 0)
        {
            say("Forwarded ports (local -> job):");
            foreach (var port in reservation.Ports)
            {
                say($"  http://{(address is "0.0.0.0" or "::" ? "localhost" : address)}:{port.LocalPort} -> {port.ContainerPort}{(port.Forwarded ? string.Empty : " (the job listens on it directly)")}");
            }
        }

        return new Forwarding(forwarders, reservation);
    }

    /// <summary>The job listens on this machine: its port is reached as it is.</summary>
    public ReachedPort ReachPort(int rank, int port) => new(new Uri($"http://127.0.0.1:{port}/"));

    public int FreePort(int rank, IReadOnlyCollection<int> taken) => FreeLocalPort(taken);

    /// <summary>A port of this machine's loopback that nothing listens on now and that is not in <paramref name="taken"/>.</summary>
    internal static int FreeLocalPort(IReadOnlyCollection<int> taken)
    {
        for (var tries = 0; ; tries++)
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (!taken.Contains(port) || tries >= 20)
            {
                return port;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _engine?.Dispose();
            _engine = null;
        }
    }

    private sealed class Forwarding(IReadOnlyList<PortForwarder> forwarders, PortReservation reservation) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var forwarder in forwarders)
            {
                await forwarder.DisposeAsync().ConfigureAwait(false);
            }

            reservation.Dispose();
        }
    }
}
