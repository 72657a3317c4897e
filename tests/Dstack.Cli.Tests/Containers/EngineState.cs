using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Containers;

/// <summary>
/// What the real engine holds, asked through the docker command (the product talks to the API; the tests check it
/// with the engine's own tool): a run's containers by their <c>dstack.run</c> label, their anonymous volumes.
/// </summary>
public static class EngineState
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The ids of every container (running or not) labelled with the run's name.</summary>
    public static IReadOnlyList<string> Containers(string runName)
    {
        var listing = Docker("ps", "-a", "-q", "--filter", $"label=dstack.run={runName}");
        Assert.True(listing.ExitCode == 0, listing.Error);
        return listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The names of the volumes the engine made for the container (an image's VOLUME), not bind mounts.</summary>
    public static IReadOnlyList<string> AnonymousVolumes(string container)
    {
        var inspect = Docker("inspect", "-f", "{{range .Mounts}}{{if eq .Type \"volume\"}}{{.Name}} {{end}}{{end}}", container);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        return inspect.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static bool VolumeExists(string name) => Docker("volume", "inspect", name).ExitCode == 0;

    /// <summary>Removes what a failed test left of the run (only containers carrying its unique name), with their volumes.</summary>
    public static void RemoveContainers(string runName)
    {
        foreach (var id in Containers(runName))
        {
            Docker("rm", "--force", "--volumes", id);
        }
    }

    public static ProgramRun Docker(params string[] arguments) => ProgramOutput.Run("docker", arguments, null, Timeout);
}
