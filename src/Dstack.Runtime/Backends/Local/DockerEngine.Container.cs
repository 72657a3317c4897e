using System.Globalization;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Backends.Local;

public static partial class DockerEngine
{
    private static readonly TimeSpan ContainerCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The container of job <paramref name="rank"/> of the run <paramref name="runName"/>.</summary>
    public static string ContainerName(string runName, int rank) => string.Create(CultureInfo.InvariantCulture, $"dstack-{runName}-{rank}");

    /// <summary>The label every job container carries: the job's token, so that a stop or a clean-up only ever touches
    /// this job's container, never one of the same name from another state folder or user.</summary>
    public const string JobLabel = "dstack.job";

    /// <summary>
    /// <c>docker kill --signal SIGNAL</c> to the container named <paramref name="name"/> that carries the job's
    /// <paramref name="token"/> (the signal reaches the container's init, which passes it on to the job, as
    /// <c>docker stop</c> does first). False when no such container runs or no engine answers.
    /// </summary>
    public static bool SignalContainer(string name, string token, int signal) =>
        FindContainer(name, token) is { } id
        && ProgramOutput.Run("docker", ["kill", "--signal", signal.ToString(CultureInfo.InvariantCulture), id], null, ContainerCommandTimeout).ExitCode == 0;

    /// <summary>
    /// <c>docker rm --force</c> of the container named <paramref name="name"/> that carries the job's
    /// <paramref name="token"/>: kills it (SIGKILL) and removes it. True when it is gone afterwards, also when there was
    /// none; a container of that name without the token (another state folder's run of the same name) is left alone.
    /// </summary>
    public static bool RemoveContainer(string name, string token)
    {
        if (FindContainer(name, token) is not { } id)
        {
            return true;
        }

        var run = ProgramOutput.Run("docker", ["rm", "--force", id], null, ContainerCommandTimeout);
        return run.ExitCode == 0 || run.Error.Contains("No such container", StringComparison.OrdinalIgnoreCase) || run.Error.Contains("already in progress", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The id of the container named <paramref name="name"/> labelled with <paramref name="token"/>; null when there is none.</summary>
    private static string? FindContainer(string name, string token)
    {
        var list = ProgramOutput.Run("docker", ["ps", "-aq", "--no-trunc", "--filter", $"name=^/{name}$", "--filter", $"label={JobLabel}={token}"], null, ContainerCommandTimeout);
        return list.ExitCode == 0 && list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var id, ..] ? id : null;
    }
}
