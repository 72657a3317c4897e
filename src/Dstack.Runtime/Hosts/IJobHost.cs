using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Hosts;

/// <summary>
/// A machine a job runs on, whatever provided it: this machine (<see cref="LocalHost"/>) or one reached over SSH
/// (<see cref="RemoteHost"/>: a pool host, and next a cloud VM). It receives the code, starts the job (returning the
/// <see cref="IJobProcess"/> the run supervises), cleans up after it, kills a job from outside its supervisor, and
/// forwards the job's ports to this machine.
/// </summary>
public interface IJobHost : IDisposable
{
    /// <summary>How logs name the machine: <c>this machine</c>, or a pool host's name.</summary>
    string Name { get; }

    /// <summary>True when the jobs run on this machine: their ports listen here and the code is copied, not uploaded.</summary>
    bool IsThisMachine { get; }

    /// <summary>Makes the machine ready for the calls below (opens the SSH connection); null when ready, else why not.</summary>
    Diagnostics.Diagnostic? Connect();

    /// <summary>
    /// Puts the code of <paramref name="snapshot"/> where job <paramref name="rank"/> runs, reporting the bytes sent.
    /// </summary>
    /// <exception cref="JobCodeException">The code could not be put there; the message says why.</exception>
    /// <exception cref="OperationCanceledException">The run was stopped meanwhile.</exception>
    Task<JobCode> PrepareCodeAsync(CodeSnapshot snapshot, int rank, IProgress<long>? sent, CancellationToken cancellationToken);

    /// <summary>
    /// Gets job <paramref name="rank"/>'s container image ready on the machine (pulled when missing there, with the
    /// pull's progress); nothing for a job without an image. Called before the job starts.
    /// </summary>
    /// <exception cref="JobStartException">The image cannot be had; the message names it, the registry and what to do.</exception>
    Task PrepareImageAsync(int rank, IProgress<Runs.RunProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// The Docker engine the jobs with an image run under on this machine (a build with an image runs there too, and
    /// its image is committed there); null where this host offers none for that.
    /// </summary>
    Containers.ContainerEngine? Engine => null;

    /// <summary>
    /// How a user logs in to this machine over SSH (its address, user, port and key), for a dev environment's
    /// <c>ssh RUN</c> entry; null on this machine (a dev environment there gets a loopback SSH server of its own).
    /// </summary>
    Ssh.SshHost? SshLogin => null;

    /// <summary>
    /// Starts the SSH server of a dev environment whose job <paramref name="rank"/> runs on this host, on the job's
    /// machine: sessions start in <see cref="DevEnvironments.DevEnvironmentSession.WorkingFolder"/> with the job's
    /// environment (in its container with <c>image:</c>), and its <see cref="DevEnvironments.IDevEnvironmentServer.Login"/>
    /// is what the <c>Host RUN</c> entry names.
    /// </summary>
    /// <exception cref="DevEnvironments.DevEnvironmentServerException">The machine lacks what the server needs (sshd, ssh-keygen, a key to let in), or it did not start; the message says what and how to fix it.</exception>
    DevEnvironments.IDevEnvironmentServer StartDevEnvironmentServer(int rank, DevEnvironments.DevEnvironmentSession session) =>
        throw new DevEnvironments.DevEnvironmentServerException($"{Name} cannot serve a dev environment over SSH");

    /// <summary>The image the jobs run in instead of the spec's: the one their build made; set before they start.</summary>
    string? ImageToRun { get => null; set { } }

    /// <summary>Starts job <paramref name="rank"/> in <paramref name="code"/> with <paramref name="environment"/>.</summary>
    /// <exception cref="JobStartException">It could not be started.</exception>
    IJobProcess StartJob(int rank, JobCode code, IReadOnlyDictionary<string, string> environment);

    /// <summary>
    /// The variables the job's environment starts from (before dstack's and the user's): the controller's own on this
    /// machine, none on another (its login shell sets its own).
    /// </summary>
    IReadOnlyDictionary<string, string> BaseEnvironment { get; }

    /// <summary>
    /// A folder to put first on the job's PATH, after the user's env is applied (the requested Python, found on this
    /// machine when the run was planned); null when there is none.
    /// </summary>
    string? PathPrefix { get; }

    /// <summary>
    /// Copies <paramref name="path"/> (a file or a folder, relative to job <paramref name="rank"/>'s code folder,
    /// <c>~/</c> for its user's home, or absolute) from the job's machine into the folder <paramref name="destination"/>
    /// on this machine, keeping its path relative to the code folder (or to the home; an absolute one by its last name):
    /// what artifacts and caches are brought back with. From another machine, the bytes received so far and the total
    /// (0 when unknown) are reported to <c>received</c> every second or so. Special files (FIFOs, sockets, devices) are
    /// left out; nothing is written outside <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="JobCodeException">The path is missing there, or the copy failed; the message says why.</exception>
    Task DownloadAsync(int rank, string path, string destination, CancellationToken cancellationToken, IProgress<(long Received, long Total)>? received = null);

    /// <summary>
    /// Where <paramref name="path"/> of job <paramref name="rank"/> (relative to its code folder, <c>~/</c> for its
    /// user's home, or absolute) is on this machine, when the job's files are here; null when they are on another
    /// machine (then <see cref="DownloadAsync"/> and <see cref="UploadAsync"/> move them).
    /// </summary>
    string? LocalPath(int rank, string path) => null;

    /// <summary>
    /// Copies the file or folder <paramref name="source"/> of this machine to <paramref name="path"/> on job
    /// <paramref name="rank"/>'s machine (relative to its code folder, <c>~/</c>, or absolute), laid over what is there:
    /// what caches are restored and deps' artifacts given with. With <paramref name="readOnly"/> the files copied lose
    /// their write permission (folders keep theirs, so the job's folder can still be removed).
    /// </summary>
    /// <exception cref="JobCodeException">The copy failed; the message says why.</exception>
    Task UploadAsync(int rank, string source, string path, bool readOnly, CancellationToken cancellationToken);

    /// <summary>Removes what the ended job left on the machine (its folder, its container); best effort.</summary>
    void CleanUp(IJobProcess job);

    /// <summary>
    /// From outside the job's supervisor (which is gone or hangs): signals the processes of job <paramref name="rank"/>
    /// (its group <paramref name="pid"/> when it is still running, and everything carrying its token) and its
    /// container, and removes its folder.
    /// </summary>
    void KillJob(int rank, int? pid, string token, int signal);

    /// <summary>
    /// Reserves the local ports of <paramref name="ports"/> on <paramref name="address"/> (a busy one is reported now,
    /// before anything starts); with <paramref name="jobListening"/>, the job on this machine already listens.
    /// </summary>
    /// <exception cref="PortUnavailableException">A port is taken.</exception>
    PortReservation ReservePorts(IReadOnlyList<Configuration.Model.PortMapping> ports, string address, bool jobListening);

    /// <summary>
    /// For a run that starts without anyone attached (<c>-d</c>): reports a port the job could not listen on because
    /// something on its machine already does (checked only where that can be seen now: this machine).
    /// </summary>
    /// <exception cref="PortUnavailableException">A port is taken.</exception>
    void CheckJobPorts(IReadOnlyList<Configuration.Model.PortMapping> ports);

    /// <summary>
    /// Forwards the reserved ports to the job while the caller is attached (the returned object stops it); says what
    /// it forwards, and when a link drops and comes back, through <paramref name="say"/>.
    /// </summary>
    IAsyncDisposable ForwardPorts(StateStore store, RunRecord run, PortReservation reservation, string address, Action<string> say);

    /// <summary>
    /// Makes <paramref name="port"/> on job <paramref name="rank"/>'s machine (where the job listens, on its loopback)
    /// reachable from this process, for as long as the result is not disposed: the port itself on this machine, the
    /// local end of a forward over the host's connection on another. What a service's endpoint sends its replica's
    /// requests to.
    /// </summary>
    /// <exception cref="IOException">The forward could not be opened; the message says why.</exception>
    ReachedPort ReachPort(int rank, int port);

    /// <summary>
    /// A port of job <paramref name="rank"/>'s machine that nothing listens on now, other than <paramref name="taken"/>
    /// (ports other jobs of the run were given there): what the next replica of a service on the same machine listens on.
    /// </summary>
    int FreePort(int rank, IReadOnlyCollection<int> taken);
}

/// <summary>Where a job's code is on its machine: a folder of this machine (what the build cache and --reload need), or on another.</summary>
/// <param name="LocalFolder">The working copy on this machine; null when the code is on another machine.</param>
public sealed record JobCode(string? LocalFolder);

/// <summary>The code could not be put on a job's machine; the message names the host, why, and what to do.</summary>
public sealed class JobCodeException(string code, string message) : Exception(message)
{
    /// <summary>The diagnostic code (<see cref="Diagnostics.DiagnosticCodes"/>).</summary>
    public string Code { get; } = code;
}
