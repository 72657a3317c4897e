using System.Globalization;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Runs.Environment;

public static partial class DockerEngine
{
    private static readonly TimeSpan ContainerCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The container of job <paramref name="rank"/> of the run <paramref name="runName"/>.</summary>
    public static string ContainerName(string runName, int rank) => string.Create(CultureInfo.InvariantCulture, $"dstack-{runName}-{rank}");

    /// <summary>
    /// <c>docker kill --signal SIGNAL NAME</c>: the signal reaches the container's init, which passes it on to the job
    /// (what <c>docker stop</c> does first). False when no such container runs or no engine answers.
    /// </summary>
    public static bool SignalContainer(string name, int signal) =>
        ProgramOutput.Run("docker", ["kill", "--signal", signal.ToString(CultureInfo.InvariantCulture), name], null, ContainerCommandTimeout).ExitCode == 0;

    /// <summary>
    /// <c>docker rm --force NAME</c>: kills the container (SIGKILL) and removes it. True when it is gone afterwards,
    /// also when there was none.
    /// </summary>
    public static bool RemoveContainer(string name)
    {
        var run = ProgramOutput.Run("docker", ["rm", "--force", name], null, ContainerCommandTimeout);
        return run.ExitCode == 0 || run.Error.Contains("No such container", StringComparison.OrdinalIgnoreCase) || run.Error.Contains("already in progress", StringComparison.OrdinalIgnoreCase);
    }
}
