using Dstack.Runtime.Ssh;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Hosts;

/// <summary>
/// Jobs with an <c>image</c> on the host: in a container of its Docker engine, reached through the engine's socket
/// forwarded over the host's connection (<see cref="SshDockerForward"/>), the uploaded code folder mounted at
/// <c>/workflow</c>; the container and the folder are removed at the end.
/// </summary>
public sealed partial class RemoteHost
{
    private readonly Lock _dockerGate = new();
    private readonly Dictionary<ContainerJob, int> _containerRanks = [];
    private SshDockerForward? _docker;
    private string? _remoteHome;

    /// <summary>The host's Docker engine, its socket forwarded over the host's connection when first asked for.</summary>
    /// <exception cref="ContainerStartException">The host or its engine cannot be reached.</exception>
    public ContainerEngine Engine
    {
        get
        {
            // A gate of its own: opening takes a connection (made under _gate) and may wait for ssh.
            lock (_dockerGate)
            {
                _docker ??= SshDockerForward.Open(Connection, Reconnect);
                return _docker.Engine;
            }
        }
    }

    /// <summary>
    /// The job's code folder on the host as an absolute path (the engine mounts it, and does not expand <c>$HOME</c>).
    /// </summary>
    private string RemoteCodeFolder(int rank) => RemoteJobFolder.For(_context.Home, _context.Run, rank).CodeFolderUnder(RemoteHome());

    /// <summary>The login user's home on the host, asked for once.</summary>
    /// <exception cref="JobStartException">It could not be read.</exception>
    private string RemoteHome()
    {
        if (_remoteHome is null)
        {
            var run = Connection.Run("printf '%s' \"$HOME\"", null, TimeSpan.FromSeconds(30));
            var home = run.Output.Trim();
            if (run.ExitCode != 0 || !home.StartsWith('/'))
            {
                throw new JobStartException($"the home folder of {SshDockerForward.UserOf(Host)} on {Name} could not be read ({(run.ExitCode != 0 ? Connection.Describe(run, TimeSpan.FromSeconds(30)).Message : $"$HOME is \"{home}\"")}); the job's files are there");
            }

            _remoteHome = home.TrimEnd('/');
        }

        return _remoteHome;
    }

    private ContainerJob StartContainer(int rank, string image, IReadOnlyDictionary<string, string> environment)
    {
        var request = ContainerLaunch.For(_context.Spec, rank, image, RemoteCodeFolder(rank), environment);
        _context.Event(rank, $"dstack: the job runs in a container of {image} on {Name}");
        var container = ContainerJob.StartAsync(Engine, request, CancellationToken.None).GetAwaiter().GetResult();
        lock (_gate)
        {
            _containerRanks[container] = rank;
        }

        return container;
    }

    private void RemoveContainer(ContainerJob container)
    {
        container.Remove();
        int rank;
        lock (_gate)
        {
            if (!_containerRanks.Remove(container, out rank))
            {
                return;
            }
        }

        Connection.Run(RemoteJobFolder.For(_context.Home, _context.Run, rank).RemoveCommand(), null, TimeSpan.FromSeconds(15));
    }

    /// <summary>From outside the job's controller: the container's processes are the host engine's, so removing it ends them.</summary>
    private void KillContainer(int rank, string token)
    {
        try
        {
            ContainerJob.RemoveLeftover(Engine, ContainerLaunch.ContainerName(_context.Run.Name, rank), token);
        }
        catch (ContainerStartException)
        {
            // The host or its engine does not answer: there is nothing to remove that can be reached.
            return;
        }

        // What is of the job on the host itself (a dev environment's sshd, and its sessions: they carry the token) ends with the folder.
        var folder = RemoteJobFolder.For(_context.Home, _context.Run, rank);
        Connection.Run($"{folder.StopServerCommand()}; {RemoteJobFolder.SignalMarkedCommand(Signals.Kill, token)}; {folder.RemoveCommand()}", null, TimeSpan.FromSeconds(15));
    }

    private void DisposeEngine()
    {
        lock (_dockerGate)
        {
            _docker?.Dispose();
            _docker = null;
        }
    }
}
