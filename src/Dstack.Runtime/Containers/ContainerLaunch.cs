using System.Globalization;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Containers;

/// <summary>
/// The one place a job becomes a container, on every backend (and for the pipelines' <c>docker</c> provider):
/// <list type="bullet">
/// <item>the working copy on the job's host is mounted at <see cref="WorkflowFolder"/>, the job's folder, as in dstack;
/// instance volumes are bind mounts beside it;</item>
/// <item><c>--init</c> (a small init is process 1, so orphans are reaped and a stop's signal reaches the whole job, the
/// script's shell and the programs it started, as on a host without an image: <see cref="SignalGroupVariable"/>) and
/// <c>--network host</c> (as dstack's runner: the job's ports are the host's, nodes reach each other at their
/// addresses, and the ports are forwarded the same way with or without an image);</item>
/// <item>the environment: dstack's variables and the user's env, in the request body (never on a command line); the
/// job token stays outside (it labels the container instead: <see cref="JobLabel"/>);</item>
/// <item>GPUs: the allocated ones as a device request; inside, they are numbered from 0, so
/// <c>CUDA_VISIBLE_DEVICES</c> is <c>0..N-1</c>;</item>
/// <item>the script runs as <c>/bin/sh -c SCRIPT</c> (after <see cref="StopTrap"/>); an <c>entrypoint</c> is split like
/// a shell would, and the script follows it as one argument (dstack's <c>entrypoint + commands</c>); no script and no entrypoint run the image's own command.</item>
/// </list>
/// </summary>
public static class ContainerLaunch
{
    /// <summary>Where the job's working copy is mounted in the container, as in dstack.</summary>
    public const string WorkflowFolder = "/workflow";

    /// <summary>The label every job container carries: the job's token, so a stop or clean-up only touches this job's container.</summary>
    public const string JobLabel = "dstack.job";

    /// <summary>
    /// Makes the engine's init (<c>docker-init</c>, which is tini) pass a signal to the job's whole process group, not only
    /// to the script's shell: with <c>pip install x &amp;&amp; python train.py</c> the shell waits for python, and a SIGTERM to the
    /// shell alone would end it and the container, killing python without its graceful stop.
    /// </summary>
    public const string SignalGroupVariable = "TINI_KILL_PROCESS_GROUP";

    /// <summary>
    /// Put before the script that <c>/bin/sh</c> runs: on a stop's SIGTERM the shell first waits for the program it runs
    /// (which got the signal too), then ends without starting the next command. Without it the shell would end at once, its
    /// end would end the container, and the program would be killed in the middle of its graceful stop. A handler, not an
    /// ignored signal, so the programs the shell starts still get SIGTERM's default.
    /// </summary>
    public const string StopTrap = "trap 'exit 143' TERM; ";

    /// <summary>The label with the run's name (for <c>docker ps --filter label=dstack.run=NAME</c>).</summary>
    public const string RunLabel = "dstack.run";

    /// <summary>The container of job <paramref name="rank"/> of the run <paramref name="runName"/>.</summary>
    public static string ContainerName(string runName, int rank) => string.Create(CultureInfo.InvariantCulture, $"dstack-{runName}-{rank}");

    /// <summary>The container the run's <c>build</c> commands run in (<c>dstack-RUN-build</c>), committed as the jobs' image.</summary>
    public static string BuildContainerName(string runName) => $"dstack-{runName}-build";

    /// <summary>The job's working directory in the container: <see cref="WorkflowFolder"/>, a folder under it, or an absolute one.</summary>
    public static string WorkingDir(string? workingDir) =>
        workingDir is { Length: > 0 } d ? (d.StartsWith('/') ? d : $"{WorkflowFolder}/{d.TrimStart('.', '/')}".TrimEnd('/')) : WorkflowFolder;

    /// <summary>
    /// Job <paramref name="rank"/>'s container: <paramref name="image"/> (the spec's, or what its build made),
    /// <paramref name="codeFolder"/> (the working copy's path on the job's host), and <paramref name="environment"/>
    /// (the job's variables as <see cref="JobEnvironment"/> made them, with its token).
    /// </summary>
    public static ContainerRequest For(RunSpec spec, int rank, string image, string codeFolder, IReadOnlyDictionary<string, string> environment, string? script = null)
    {
        var token = environment.GetValueOrDefault(JobProcess.TokenVariable);
        var env = new List<KeyValuePair<string, string>>();
        // The GPUs the job was given on its host (the plan's placement; else what its environment says), passed in
        // whatever the user's env sets: a CUDA_VISIBLE_DEVICES of the user's choosing picks among them inside.
        IReadOnlyList<int>? gpus = rank < spec.Placements.Count && spec.Placements[rank].Gpus is { Count: > 0 } given ? given : null;
        foreach (var (name, value) in environment)
        {
            if (name == "CUDA_VISIBLE_DEVICES" && !spec.Env.Any(e => e.Name == name))
            {
                var ids = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).Where(i => i >= 0).ToList();
                gpus ??= ids.Count > 0 ? ids : null;
                env.Add(new(name, string.Join(',', Enumerable.Range(0, gpus?.Count ?? 0).Select(i => i.ToString(CultureInfo.InvariantCulture)))));
            }
            else if (IsForTheContainer(name) || spec.Env.Any(e => e.Name == name))
            {
                env.Add(new(name, value));
            }
        }

        if (!env.Any(e => e.Key == SignalGroupVariable))
        {
            env.Add(new(SignalGroupVariable, "1"));
        }

        var entrypoint = string.IsNullOrWhiteSpace(spec.Entrypoint) ? [] : ShellWords.Split(spec.Entrypoint);
        var body = script ?? spec.Script;
        IReadOnlyList<string> command = entrypoint.Count > 0
            ? [.. entrypoint.Skip(1), .. body.Length > 0 ? [body] : Array.Empty<string>()]
            : body.Length > 0 ? ["/bin/sh", "-c", StopTrap + body] : [];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [RunLabel] = spec.RunName };
        if (token is not null)
        {
            labels[JobLabel] = token;
        }

        return new ContainerRequest
        {
            Image = image,
            Name = ContainerName(spec.RunName, rank),
            Entrypoint = entrypoint.Count > 0 ? [entrypoint[0]] : [],
            Command = command,
            Env = env,
            WorkingDir = WorkingDir(spec.WorkingDir),
            Binds =
            [
                $"{codeFolder}:{WorkflowFolder}",
                .. spec.Mounts.Select(m => $"{m.HostPath}:{m.ContainerPath}"),
                .. Pipelines.WorkflowPaths.ContainerBinds([.. spec.Artifacts, .. spec.Cache], Pipelines.WorkflowPaths.ContainerHome(spec.User)).Select(b => $"{codeFolder}/{b.CodeFolder}:{b.ContainerPath}"),
            ],
            Labels = labels,
            Ports = [.. spec.Ports.Select(p => p.ContainerPort)],
            ShmSize = spec.ShmSize,
            Privileged = spec.Privileged,
            User = spec.User,
            Gpus = gpus,
        };
    }

    /// <summary>dstack's variables (not this machine's <c>DSTACK_HOME</c>, nor the job token), and the two old names.</summary>
    private static bool IsForTheContainer(string name) =>
        name.StartsWith("DSTACK_", StringComparison.Ordinal) && name is not "DSTACK_HOME" and not JobProcess.TokenVariable || name is "RUN_NAME" or "REPO_ID";
}
