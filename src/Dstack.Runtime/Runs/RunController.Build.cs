namespace Dstack.Runtime.Runs;

/// <summary>The run's <c>build</c> commands, before its jobs start.</summary>
public sealed partial class RunController
{
    /// <summary>
    /// Builds (or reuses) the environment in the working copies; with an image, in a container on the first job's host,
    /// whose committed image every job then runs in. The failure, or null when the jobs may start.
    /// </summary>
    private async Task<AttemptResult?> BuildAsync(IReadOnlyList<string> copies)
    {
        Containers.ContainerEngine? engine = null;
        if (_spec.Image is not null)
        {
            try
            {
                engine = HostOf(0).Engine;
            }
            catch (Processes.JobStartException e)
            {
                Event(0, $"dstack: {Diagnostics.DiagnosticCodes.ContainerFailed}: {e.Message}");
                return new AttemptResult(State.RunStatus.Failed, TerminationReason.StartFailed, null);
            }
        }

        var (failure, image) = await new BuildCache(Home, _spec, _logs[0], _mask, _time).PrepareAsync(copies, EnvironmentFor, _stopRequested.Task, engine).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        for (var rank = 0; rank < _spec.Nodes; rank++)
        {
            HostOf(rank).ImageToRun = image;
        }

        return null;
    }
}
