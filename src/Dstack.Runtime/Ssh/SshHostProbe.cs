using System.Globalization;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// Reads an SSH host's resources in one round trip: a small POSIX sh script, sent on stdin, prints the cores, the
/// <c>MemTotal</c> line of <c>/proc/meminfo</c>, the free disk of the folder runs will use (<c>~/.dstack-runs</c>,
/// or the home folder until it exists), and <c>nvidia-smi</c>'s GPU list when it is installed. The lines are read
/// with <see cref="HardwareReport"/>, so a host and this machine describe the same hardware the same way. It also says
/// whether the login user can use a Docker engine there (<see cref="DockerSocket"/> exists and is writable to the user),
/// which jobs with an <c>image</c> need.
/// </summary>
public static class SshHostProbe
{
    /// <summary>How long a probe may take, connection included, unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The folder on the host that runs will use; its free space is the host's disk.</summary>
    public const string WorkFolder = "~/.dstack-runs";

    /// <summary>The script; each line starts with a tag so that a login banner or a shell's noise is ignored.</summary>
    public const string Script = """
        dir="$HOME/.dstack-runs"; [ -d "$dir" ] || dir="$HOME"; [ -d "$dir" ] || dir=/tmp
        echo "dstack-cpus $(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
        echo "dstack-mem $(grep '^MemTotal:' /proc/meminfo)"
        echo "dstack-disk-kb $(df -Pk "$dir" | awk 'NR==2 {print $4}')"
        if command -v nvidia-smi >/dev/null 2>&1; then
          nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader,nounits 2>/dev/null | sed 's/^/dstack-gpu /'
        fi
        if [ -S /var/run/docker.sock ] && [ -w /var/run/docker.sock ]; then echo "dstack-docker yes"; else echo "dstack-docker no"; fi
        echo dstack-end
        """;

    /// <summary>The engine's socket the probe looks for (and jobs with an <c>image</c> reach, <see cref="SshDockerForward"/>).</summary>
    public const string DockerSocket = SshDockerForward.RemoteSocket;

    /// <summary>True when the script's output says the login user can use the host's Docker engine.</summary>
    public static bool HasDockerEngine(string output) =>
        output.Split('\n').Any(line => Field(line.TrimEnd('\r'), "dstack-docker") == "yes");

    public static SshProbeResult Probe(DstackHome home, SshHost host, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var command = new SshCommand(home, host);
        command.EnsureFolder();
        var run = ProgramOutput.Run(SshCommand.Program, command.Arguments("sh -s"), Script.ReplaceLineEndings("\n") + "\n", limit);
        if (run.ExitCode != 0 || run.TimedOut || run.NotStarted is not null)
        {
            return new SshProbeResult(host, null, SshFailure.Describe(host, run, limit, host.KnownHosts(home)));
        }

        if (Parse(run.Output) is { } resources)
        {
            return new SshProbeResult(host, resources, null, run.Output);
        }

        var problem = SshFailure.Describe(host, run with { ExitCode = 1, Error = "its output did not have the cores, memory and disk lines: " + FirstLine(run.Output) }, limit, host.KnownHosts(home));
        return new SshProbeResult(host, null, problem);
    }

    /// <summary>Reads the script's output; null when the cores, memory or disk line is missing or unreadable.</summary>
    public static MachineResources? Parse(string output)
    {
        int? cpus = null;
        Memory? memory = null;
        Memory? disk = null;
        var gpus = new List<string>();
        var ended = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (Field(line, "dstack-cpus") is { } c && int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
            {
                cpus = count;
            }
            else if (Field(line, "dstack-mem") is { } m)
            {
                memory = HardwareReport.MemTotal([m]);
            }
            else if (Field(line, "dstack-disk-kb") is { } d && long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                disk = new Memory(kib / 1024.0 / 1024.0);
            }
            else if (Field(line, "dstack-gpu") is { } g)
            {
                gpus.Add(g);
            }
            else if (line.Trim() == "dstack-end")
            {
                ended = true;
            }
        }

        return ended && cpus is { } cores && memory is { } ram && disk is { } free
            ? new MachineResources(cores, ram, free, HardwareReport.NvidiaGpus(string.Join('\n', gpus)))
            : null;
    }

    private static string? Field(string line, string tag) =>
        line.StartsWith(tag + " ", StringComparison.Ordinal) ? line[(tag.Length + 1)..].Trim() : null;

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(nothing)";
}
