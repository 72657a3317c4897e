using System.Globalization;
using System.Text;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// What every dev environment's own sshd is made of, wherever it runs (this machine: <see cref="LoopbackSshServer"/>;
/// the job's machine over SSH: <see cref="RemoteSshServer"/>): its config (loopback only, public key only, one user, the
/// session script forced), the job's environment as a file the session script loads, and the session script itself,
/// which starts every session in the job's folder with the job's environment, or inside the job's container.
/// </summary>
/// <remarks>
/// Run without root, sshd can log in only the user it runs as, and does not need the privilege separation user or
/// folder; run as root it does (<c>/run/sshd</c> is made when missing). <c>UsePAM no</c> and <c>StrictModes no</c> keep
/// it from needing root-owned files. <c>SetEnv SHLVL=1</c> makes a command's bash skip <c>~/.bashrc</c>, as the job's
/// own commands do.
/// </remarks>
public static class DevEnvironmentSshd
{
    /// <summary>Where Debian's openssh-server puts the server (on this machine and, usually, on the job's).</summary>
    public const string DefaultProgram = "/usr/sbin/sshd";

    /// <summary>The address the server listens on: the loopback of its machine.</summary>
    public const string LoopbackAddress = "127.0.0.1";

    /// <summary>Variables of the job's environment a session does not take: the login's own (sshd sets them) and the shell's.</summary>
    private static readonly HashSet<string> LoginVariables = new(StringComparer.Ordinal)
    {
        "HOME", "USER", "LOGNAME", "SHELL", "TERM", "PWD", "OLDPWD", "SHLVL", "_", "MAIL", "DISPLAY", "TMUX", "TMUX_PANE",
    };

    /// <summary>
    /// The sshd_config: loopback only, public key only, <paramref name="user"/> only, the session script of
    /// <paramref name="folder"/> forced. With a null <paramref name="port"/> there is no <c>Port</c> line: the port is
    /// given on sshd's command line (<c>-p</c>), as where the free port is found on the server's machine.
    /// </summary>
    public static string Config(string folder, int? port, string user)
    {
        string Quoted(string path) => "\"" + path.Replace("%", "%%", StringComparison.Ordinal) + "\"";
        var lines = new List<string> { "# Written by dstack for a dev environment; removed when it ends." };
        if (port is { } p)
        {
            lines.Add($"Port {p.ToString(CultureInfo.InvariantCulture)}");
        }

        lines.AddRange(
        [
            $"ListenAddress {LoopbackAddress}",
            $"HostKey {Quoted(Path.Combine(folder, "host_key"))}",
            $"PidFile {Quoted(Path.Combine(folder, "sshd.pid"))}",
            $"AuthorizedKeysFile {Quoted(Path.Combine(folder, "authorized_keys"))}",
            $"AllowUsers {user}",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "UsePAM no",
            "StrictModes no",
            "AllowTcpForwarding yes",
            "AllowStreamLocalForwarding yes",
            "X11Forwarding no",
            "PrintMotd no",
            "PermitUserEnvironment no",
            "SetEnv SHLVL=1",
            $"Subsystem sftp {ContainerSftp.SubsystemCommand}",
            $"ForceCommand /bin/sh {ShellQuote.Quote(Path.Combine(folder, "session.sh"))}",
            "LogLevel ERROR",
        ]);
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The job's variables as <c>NAME='value'</c> lines, for <c>set -a; . FILE</c>.</summary>
    public static string EnvironmentFile(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = new StringBuilder("# The dev environment's job environment, loaded by every SSH session; written by dstack.\n");
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (LoginVariables.Contains(name) || name.StartsWith("SSH_", StringComparison.Ordinal) || !IsShellName(name) || value.Contains('\0', StringComparison.Ordinal))
            {
                continue;
            }

            text.Append(name).Append('=').Append(ShellQuote.Quote(value)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The forced command: load the environment, go to the folder, run what was asked (or a login shell). With a
    /// <paramref name="container"/>, the session runs in that container instead (<c>docker exec</c>, <c>-i</c>, and
    /// <c>-t</c> when the client asked for a terminal), in <paramref name="workingFolder"/> there, with the container's
    /// environment (the job's), bash when the image has it, else sh; an sftp session gets an sftp server there
    /// (<see cref="ContainerSftp"/>). The <c>docker</c> client on the session's side
    /// keeps the job's environment (its token among it), so ending the job's processes ends the session too.
    /// </summary>
    public static string SessionScript(string environmentFile, string workingFolder, string? container = null)
    {
        var load = $"""
            # Written by dstack: every SSH session of the dev environment starts here.
            set -a
            . {ShellQuote.Quote(environmentFile)}
            set +a

            """;
        if (container is null)
        {
            return load + $$"""
                cd {{ShellQuote.Quote(workingFolder)}} 2>/dev/null || true
                if [ -n "${SSH_ORIGINAL_COMMAND:-}" ]; then
                  exec "${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND"
                fi
                exec "${SHELL:-/bin/sh}" -l

                """;
        }

        var exec = $"docker exec -i $t -w {ShellQuote.Quote(workingFolder)} {ShellQuote.Quote(container)} /bin/sh -c";
        return load + $$"""
            cd "$HOME" 2>/dev/null || true
            {{ContainerSftp.SessionLines(container, workingFolder)}}t=
            if [ -t 0 ]; then t=-t; fi
            if [ -n "${SSH_ORIGINAL_COMMAND:-}" ]; then
              exec {{exec}} 'if command -v bash >/dev/null 2>&1; then exec bash -c "$0"; fi; exec sh -c "$0"' "$SSH_ORIGINAL_COMMAND"
            fi
            exec {{exec}} 'if command -v bash >/dev/null 2>&1; then exec bash -l; fi; exec sh -l'

            """;
    }

    private static bool IsShellName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
