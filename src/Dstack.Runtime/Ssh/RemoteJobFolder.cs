using System.Globalization;
using System.Text;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// A job's folder on an SSH host, <c>~/.dstack-runs/RUN-KEY/job-RANK</c>, and the POSIX sh lines that act on it.
/// KEY tells apart runs of the same name from different machines or state folders that share a host. The
/// folder holds the code (<c>code/</c>), the job's output (<c>stdout</c>, <c>stderr</c>), the job's process id
/// (<c>pid</c>, also its process group), the supervisor's (<c>supervisor.pid</c>) and, once the job has ended, its
/// exit code (<c>exit</c>). Files appear whole: each is written beside and renamed into place.
/// </summary>
public sealed record RemoteJobFolder(string RunFolder, int Rank)
{
    /// <summary>The folder of job <paramref name="rank"/> of <paramref name="run"/>, submitted from <paramref name="home"/>.</summary>
    public static RemoteJobFolder For(State.DstackHome home, State.RunRecord run, int rank)
    {
        var key = Hashing.ShortHash.HexOf($"{System.Environment.MachineName}\n{home.Root}\n{run.Id.ToString(CultureInfo.InvariantCulture)}");
        return new RemoteJobFolder($"{run.Name}-{key[..8]}", rank);
    }

    /// <summary>The folder as a shell word that expands on the host (the login user's home).</summary>
    public string Path => $"\"$HOME/.dstack-runs/{RunFolder}/job-{Rank.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The job's code folder as an absolute path, for the login user's home <paramref name="home"/> (a Docker bind mount expands nothing).</summary>
    public string CodeFolderUnder(string home) => $"{home}/.dstack-runs/{RunFolder}/job-{Rank.ToString(CultureInfo.InvariantCulture)}/code";

    /// <summary>The job's folder as an absolute path, for the login user's home <paramref name="home"/>.</summary>
    public string FolderUnder(string home) => $"{home}/.dstack-runs/{RunFolder}/job-{Rank.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The folder in the job's folder where a dev environment's SSH server keeps its files (its pid file among them).</summary>
    public const string ServerFolderName = "ssh-server";

    /// <summary>
    /// Kills the dev environment's SSH server the job's folder names (<c>ssh-server/sshd.pid</c>), when that process is
    /// still an sshd: the server rewrites its own environment area (its process title), so the job's token does not find it.
    /// </summary>
    public string StopServerCommand() =>
        $"p=$(cat {Path}/{ServerFolderName}/sshd.pid 2>/dev/null) && case \"$(cat /proc/$p/comm 2>/dev/null)\" in sshd*) kill -9 \"$p\";; esac; true";

    /// <summary>The run's folder on the host, removed when its last job's folder is.</summary>
    public string RunPath => $"\"$HOME/.dstack-runs/{RunFolder}\"";

    /// <summary>
    /// Receives a tar stream on standard input into <c>code.partial</c> and renames it to <c>code</c> only when
    /// every byte landed and the stream's last entry is <paramref name="marker"/> (which the sender writes only after
    /// every file: a stream our side gave up on can still end as a well-formed archive); on any failure (a full disk,
    /// an upload cut short) the partial folder is removed and the command fails with tar's own words on stderr.
    /// </summary>
    /// <param name="marker">A file name of letters, digits, '.' and '-' that the code cannot hold (it carries a random token).</param>
    public string ReceiveCodeCommand(string marker) =>
        $"d={Path}; rm -rf \"$d\" && mkdir -p \"$d/code.partial\" && tar -x -f - -C \"$d/code.partial\" && rm \"$d/code.partial/{marker}\" && mv \"$d/code.partial\" \"$d/code\" || {{ rm -rf \"$d/code.partial\"; df -Pk \"$d\" 2>/dev/null | awk 'NR==2 {{print \"dstack-free-kb \" $4}}' >&2; exit 97; }}";

    /// <summary>
    /// The script (sent on stdin to <c>sh -s</c>) that writes the job's environment and command, starts the
    /// supervisor detached from the SSH session (<c>nohup setsid</c>: a dropped connection does not reach it), and
    /// prints the job's process id once it runs.
    /// </summary>
    public string StartScript(RunSpec spec, IReadOnlyDictionary<string, string> environment, string? workingDir)
    {
        var env = new StringBuilder();
        foreach (var (name, value) in environment)
        {
            env.Append(name).Append('=').Append(ShellQuote.Quote(value)).Append('\n');
        }

        var cd = workingDir is { Length: > 0 } dir
            ? (dir.StartsWith('/') ? ShellQuote.Quote(dir) : $"\"$d/code/\"{ShellQuote.Quote(dir)}")
            : "\"$d/code\"";
        var script = new StringBuilder();
        script.Append("set -e\n");
        script.Append(CultureInfo.InvariantCulture, $"d={Path}\n");
        script.Append("cd \"$d\"\n");
        script.Append("rm -f exit exit.tmp pid pid.tmp supervisor.pid stdout stderr\n");
        // 077 keeps the env file (secrets) and the logs the user's own; the job gets the login's umask back, as a
        // local job has the user's, so what it writes (its artifacts) has the same modes on every backend.
        script.Append("job_umask=$(umask)\n");
        script.Append("umask 077\n");

        // The values are single-quoted shell words; the file is read once by the supervisor and removed.
        script.Append(CultureInfo.InvariantCulture, $"printf '%s' {ShellQuote.Quote(env.ToString())} > env\n");
        script.Append(CultureInfo.InvariantCulture, $"printf '%s' {ShellQuote.Quote(spec.Script)} > job.script\n");
        script.Append(CultureInfo.InvariantCulture, $"mkdir -p {cd}\n");
        script.Append(CultureInfo.InvariantCulture, $"printf '%s\\n' {ShellQuote.Quote(SupervisorScript(spec.Shell, cd))} > supervise.sh\n");
        script.Append(": > stdout; : > stderr\n");
        script.Append("nohup setsid sh \"$d/supervise.sh\" \"$job_umask\" </dev/null >/dev/null 2>&1 &\n");
        script.Append("i=0; while [ ! -s pid ] && [ ! -f exit ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n");
        script.Append("if [ -s pid ]; then echo \"dstack-pid $(cat pid)\"; else echo dstack-not-started; cat stderr >&2; exit 98; fi\n");
        return script.ToString();
    }

    /// <summary>
    /// The supervisor: it reads the environment, starts the job in a session of its own (its process id is its group,
    /// which a stop signals), waits for it and records the exit code.
    /// </summary>
    private static string SupervisorScript(string shell, string cd) =>
        "d=\"$(cd \"$(dirname \"$0\")\" && pwd)\"\n" +
        "echo $$ > \"$d/supervisor.pid\"\n" +
        "set -a; . \"$d/env\"; set +a; rm -f \"$d/env\"\n" +
        $"cd {cd} || {{ echo \"dstack: the working directory does not exist on this host\" >> \"$d/stderr\"; echo 1 > \"$d/exit.tmp\"; mv \"$d/exit.tmp\" \"$d/exit\"; exit 0; }}\n" +
        "umask \"${1:-022}\"\n" +
        $"setsid {ShellQuote.Quote(shell)} -c \"$(cat \"$d/job.script\")\" </dev/null >>\"$d/stdout\" 2>>\"$d/stderr\" &\n" +
        "job=$!\n" +
        "echo $job > \"$d/pid.tmp\"; mv \"$d/pid.tmp\" \"$d/pid\"\n" +
        "wait $job; code=$?\n" +
        "echo $code > \"$d/exit.tmp\"; mv \"$d/exit.tmp\" \"$d/exit\"";

    /// <summary>
    /// Prints one of the job's outputs from byte <paramref name="offset"/> on as it grows, and ends (exit 0) once the
    /// job's process has ended and everything it wrote has been printed.
    /// </summary>
    public string FollowCommand(string file, long offset, int pid) =>
        $"d={Path}; exec tail -c +{(offset + 1).ToString(CultureInfo.InvariantCulture)} --pid={pid.ToString(CultureInfo.InvariantCulture)} -f \"$d/{file}\"";

    /// <summary>
    /// Waits for the job's end and prints <c>dstack-exit CODE</c>, or <c>dstack-lost</c> when the supervisor is gone
    /// without an exit code (killed, or the host restarted).
    /// </summary>
    public string WaitCommand() =>
        $"d={Path}; s=$(cat \"$d/supervisor.pid\" 2>/dev/null); " +
        "while [ ! -f \"$d/exit\" ]; do if [ -z \"$s\" ] || ! kill -0 \"$s\" 2>/dev/null; then [ -f \"$d/exit\" ] || { echo dstack-lost; exit 0; }; fi; sleep 0.2; done; " +
        "echo \"dstack-exit $(cat \"$d/exit\")\"";

    /// <summary>
    /// Sends <paramref name="signal"/> to the job's process group and to every process of the host whose environment
    /// holds the job's <paramref name="token"/> (what the job detached with <c>setsid</c>, a double fork or
    /// <c>nohup</c>; found with GNU grep in <c>/proc/PID/environ</c>); exit 0 when some process got it. A kill scans
    /// three times, for children forked meanwhile.
    /// </summary>
    public static string SignalCommand(int pid, int signal, string? token)
    {
        var group = string.Create(CultureInfo.InvariantCulture, $"kill -{signal} -- -{pid} 2>/dev/null && r=0 || r=1");
        if (token is null)
        {
            return $"{group}; exit $r";
        }

        var passes = signal == Processes.Signals.Kill ? "1 2 3" : "1";
        return group + string.Create(CultureInfo.InvariantCulture, $"; for i in {passes}; do for f in $({MarkedCommand(token, "-l")}); do p=${{f#/proc/}}; p=${{p%/environ}}; [ \"$p\" != \"$$\" ] && kill -{signal} \"$p\" 2>/dev/null && r=0; done; done; exit $r");
    }

    /// <summary>
    /// Signals every process on the host that carries the job's <paramref name="token"/> (what the job detached, a dev
    /// environment's sshd and its sessions), whether or not the job's own group is still there.
    /// </summary>
    public static string SignalMarkedCommand(int signal, string token)
    {
        var passes = signal == Processes.Signals.Kill ? "1 2 3" : "1";
        return string.Create(CultureInfo.InvariantCulture, $"for i in {passes}; do for f in $({MarkedCommand(token, "-l")}); do p=${{f#/proc/}}; p=${{p%/environ}}; [ \"$p\" != \"$$\" ] && kill -{signal} \"$p\" 2>/dev/null; done; done; true");
    }

    /// <summary>Exit 0 while any process of the job's group, or any process holding its <paramref name="token"/>, is left.</summary>
    public static string AliveCommand(int pid, string? token)
    {
        var group = string.Create(CultureInfo.InvariantCulture, $"kill -0 -- -{pid} 2>/dev/null");
        return token is null ? group : $"{group} || {MarkedCommand(token, "-q")}";
    }

    /// <summary>GNU grep over every process's environment: <c>-z</c> reads the NUL-separated entries, <c>-x -F</c> matches one whole entry.</summary>
    private static string MarkedCommand(string token, string mode) =>
        $"grep {mode}zxF -e {ShellQuote.Quote($"{Processes.JobProcess.TokenVariable}={token}")} /proc/[0-9]*/environ 2>/dev/null";

    /// <summary>
    /// Removes the job's folder, and the run's when it is empty. The supervisor goes first, when its process id still
    /// names this job's <c>supervise.sh</c> shell (never another job's that took the id): a job killed just before
    /// writes its exit code into the folder as <c>rm -rf</c> walks it, which leaves the folder behind ("Directory not
    /// empty"); what still writes there gets a few more tries.
    /// </summary>
    public string RemoveCommand() =>
        $"d={Path}; s=$(cat \"$d/supervisor.pid\" 2>/dev/null) && grep -qsF \"$d/supervise.sh\" \"/proc/$s/cmdline\" && kill -9 \"$s\" 2>/dev/null; " +
        "i=0; while [ -e \"$d\" ] && [ $i -lt 10 ]; do rm -rf \"$d\" 2>/dev/null || sleep 0.1; i=$((i+1)); done; " +
        $"rmdir {RunPath} 2>/dev/null; if [ -e \"$d\" ]; then echo {LeftLine}; fi; true";

    /// <summary>What <see cref="RemoveCommand"/> prints when the job's folder is still there after its tries.</summary>
    public const string LeftLine = "dstack-left";
}
