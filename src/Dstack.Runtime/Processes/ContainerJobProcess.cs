using Dstack.Runtime.Backends.Local;

namespace Dstack.Runtime.Processes;

/// <summary>
/// A job that runs in a container (<c>image</c>): the <c>docker run</c> command is a <see cref="JobProcess"/> of this
/// machine, but the job runs under the engine, where killing the command does not reach it. So a stop sends its signal
/// to the container (<c>docker kill --signal</c>), and a kill (an abort, a second Ctrl+C, the end of stop_duration)
/// removes the container (<c>docker rm --force</c>) before it kills the command. Only a container carrying the job's
/// token (<see cref="DockerEngine.JobLabel"/>) is touched.
/// </summary>
public sealed class ContainerJobProcess(JobProcess command, string containerName, string token) : IJobProcess
{
    /// <summary>The container's name, <c>dstack-RUN-RANK</c>.</summary>
    public string ContainerName { get; } = containerName;

    public int Pid => command.Pid;

    public Stream Stdout => command.Stdout;

    public Stream Stderr => command.Stderr;

    public Task<int> Exited => command.Exited;

    public string? LostReason => null;

    /// <summary>True while the docker command (or anything it left) runs; the container ends with it or is removed by a kill.</summary>
    public bool IsGroupAlive => command.IsGroupAlive;

    public bool SignalGroup(int signal)
    {
        if (signal == Signals.Kill)
        {
            var removed = DockerEngine.RemoveContainer(ContainerName, token);
            return command.SignalGroup(signal) || removed;
        }

        // The docker command passes signals on to the container too; sending both would deliver the signal twice.
        // While the image is still being pulled there is no container yet: then the command gets the signal.
        return DockerEngine.SignalContainer(ContainerName, token, signal) || command.SignalGroup(signal);
    }

    /// <summary>Removes the container if it is still there (the docker command was killed from outside); best effort.</summary>
    public void RemoveContainer() => DockerEngine.RemoveContainer(ContainerName, token);

    public void Dispose() => command.Dispose();
}
