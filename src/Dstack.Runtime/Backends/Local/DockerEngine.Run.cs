using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Backends.Local;

public static partial class DockerEngine
{
    /// <summary>
    /// The arguments after <c>docker</c> that run a job in <paramref name="image"/>:
    /// <c>run --rm --init --name NAME [--privileged] [--user USER] --network host [--expose PORT]... -v COPY:/workflow
    /// -w DIR [-e NAME]... [--entrypoint FIRST] IMAGE [REST...] [/bin/sh -c SCRIPT | SCRIPT]</c>.
    /// <list type="bullet">
    /// <item><c>--rm</c>: nothing is left behind; logs and state live in <c>$DSTACK_HOME</c>, not in the container.</item>
    /// <item><c>--init</c>: a small init is process 1, so Ctrl+C and <c>docker stop</c> reach the job and its orphans are reaped.</item>
    /// <item><c>--name</c>: stop and attach find the container by the run's name.</item>
    /// <item><c>--network host</c>: as dstack's runner does; the job's ports are the machine's ports and several nodes of
    /// one run reach each other at 127.0.0.1, so the local backend forwards <c>local_port</c> to <c>container_port</c>
    /// the same way with or without an image. Ports are therefore not published (<c>-p</c> does nothing on the host
    /// network); they are declared with <c>--expose</c> so <c>docker inspect</c> shows them.</item>
    /// <item><c>-v COPY:/workflow -w DIR</c>: the working copy is the job's folder, as in dstack.</item>
    /// <item><c>-e NAME</c> without a value: docker copies the value from its own environment, so put
    /// <see cref="ProcessEnvironment"/> into the docker process's environment. Values never appear on the command
    /// line, where any user of the machine can read them (<c>ps</c>). Only <c>PATH</c>, <c>HOME</c> and
    /// <c>DOCKER_*</c>, which the docker command needs for itself, are passed as <c>-e NAME=VALUE</c>.</item>
    /// <item>The script runs as <c>/bin/sh -c SCRIPT</c> (dstack adds <c>-i</c>, which without a terminal only adds
    /// noise). An <paramref name="entrypoint"/> is split like a shell would: its first word becomes
    /// <c>--entrypoint</c>, the other words and then the script follow the image, as dstack's <c>entrypoint + commands</c>.
    /// An empty script and no entrypoint run the image's own command.</item>
    /// </list>
    /// </summary>
    /// <param name="image">The image to run.</param>
    /// <param name="workingCopy">The run's copy of the repository on this machine.</param>
    /// <param name="containerWorkingDir">The job's working directory in the container, <see cref="WorkflowFolder"/> or a folder under it.</param>
    /// <param name="env">The job's environment, from <see cref="EnvironmentResolver"/> plus the system variables.</param>
    /// <param name="shellScript">The job script (<see cref="Runs.JobScript.Build(IReadOnlyList{string}, IReadOnlyList{string})"/>); empty for the image's own command.</param>
    /// <param name="ports">The container ports the job listens on.</param>
    /// <param name="containerName">The container's name, unique among running containers.</param>
    /// <param name="entrypoint">The configuration's <c>entrypoint</c>, or null.</param>
    /// <param name="privileged">The configuration's <c>privileged</c>.</param>
    /// <param name="user">The configuration's <c>user</c> (<c>name</c>, <c>uid</c> or <c>uid:gid</c>), or null for the image's user.</param>
    /// <param name="jobToken">The job's token, put on the container as the label <c>dstack.job</c>; null for none.</param>
    public static IReadOnlyList<string> RunArguments(
        string image,
        string workingCopy,
        string containerWorkingDir,
        IReadOnlyList<KeyValuePair<string, string>> env,
        string shellScript,
        IReadOnlyList<int> ports,
        string containerName,
        string? entrypoint,
        bool privileged,
        string? user,
        string? jobToken = null)
    {
        var arguments = new List<string> { "run", "--rm", "--init", "--name", containerName };
        if (jobToken is not null)
        {
            // Stop and clean-up find the container by name and this label together (DockerEngine.JobLabel).
            arguments.AddRange(["--label", $"{JobLabel}={jobToken}"]);
        }

        if (privileged)
        {
            arguments.Add("--privileged");
        }

        if (!string.IsNullOrEmpty(user))
        {
            arguments.AddRange(["--user", user]);
        }

        arguments.AddRange(["--network", "host"]);
        foreach (var port in ports.Distinct())
        {
            arguments.AddRange(["--expose", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        arguments.AddRange(["-v", $"{workingCopy}:{WorkflowFolder}", "-w", containerWorkingDir]);
        foreach (var (name, value) in env)
        {
            arguments.AddRange(["-e", NeededByDocker(name) ? $"{name}={value}" : name]);
        }

        var entrypointWords = string.IsNullOrWhiteSpace(entrypoint) ? [] : ShellWords.Split(entrypoint);
        if (entrypointWords.Count > 0)
        {
            arguments.AddRange(["--entrypoint", entrypointWords[0]]);
        }

        arguments.Add(image);
        if (entrypointWords.Count > 0)
        {
            arguments.AddRange(entrypointWords.Skip(1));
            if (shellScript.Length > 0)
            {
                arguments.Add(shellScript);
            }
        }
        else if (shellScript.Length > 0)
        {
            arguments.AddRange(["/bin/sh", "-c", shellScript]);
        }

        return arguments;
    }

    /// <summary>
    /// The variables of <paramref name="env"/> that <see cref="RunArguments"/> passes by name only: set them in the
    /// docker process's environment (<c>ProcessStartInfo.Environment</c>) so docker hands them to the job.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment(IReadOnlyList<KeyValuePair<string, string>> env)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in env)
        {
            if (!NeededByDocker(name))
            {
                values[name] = value;
            }
        }

        return values;
    }

    /// <summary>Variables the docker command itself reads: the job's value must not replace docker's own.</summary>
    private static bool NeededByDocker(string name) =>
        name is "PATH" or "HOME" || name.StartsWith("DOCKER_", StringComparison.Ordinal);
}
