using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// Turns a failed <c>ssh</c> call into one diagnostic in plain words. ssh exits with 255 for its own errors and
/// says which on stderr; the remote command's failures keep their own exit code.
/// </summary>
public static class SshFailure
{
    /// <summary>ssh's exit code for a failure of ssh itself (as opposed to the remote command).</summary>
    public const int SshError = 255;

    private static readonly string[] Unreachable =
    [
        "Connection refused", "Could not resolve hostname", "Name or service not known", "Temporary failure in name resolution",
        "Connection timed out", "Operation timed out", "No route to host", "Network is unreachable", "Connection reset",
        "Connection closed", "kex_exchange_identification",
    ];

    public static Diagnostic Describe(SshHost host, ProgramRun run, TimeSpan timeout, string knownHostsFile)
    {
        var said = LastLine(run.Error);
        if (run.NotStarted is { } why)
        {
            return Error(DiagnosticCodes.HostProbeFailed, $"the OpenSSH client `ssh` could not be started ({why}); install it (Debian, Ubuntu: apt-get install openssh-client) and try again");
        }

        if (run.TimedOut)
        {
            return Error(DiagnosticCodes.HostUnreachable, $"{host.Name} ({host.Address}) is unreachable: it did not answer within {timeout.TotalSeconds:0} seconds; check that it is up and that the address and port are right");
        }

        if (run.Error.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal) || run.Error.Contains("Host key verification failed", StringComparison.Ordinal))
        {
            return Error(
                DiagnosticCodes.HostKeyChanged,
                $"the host key of {host.Name} ({host.Address}) is not the one recorded on first contact, so dstack refuses to connect: someone may be in the middle, or the host was reinstalled. If you know why it changed, forget the old key with: ssh-keygen -R {KnownHostsName(host)} -f {knownHostsFile}");
        }

        if (run.Error.Contains("Permission denied", StringComparison.Ordinal) || run.Error.Contains("Too many authentication failures", StringComparison.Ordinal))
        {
            var key = host.IdentityFile is { } identity ? $"the key {identity}" : "your keys (ssh-agent, ~/.ssh/id_*, ~/.ssh/config)";
            return Error(DiagnosticCodes.HostAuthFailed, $"{host.Name} ({host.Address}) refused the login of {host.User} with {key}: {said}; add the public key to ~{host.User}/.ssh/authorized_keys there, or pass the right one with -i");
        }

        if (run.ExitCode == SshError && (Unreachable.Any(m => run.Error.Contains(m, StringComparison.OrdinalIgnoreCase)) || said.Length == 0))
        {
            var reason = said.Length > 0 ? said : "ssh gave up without saying why";
            return Error(DiagnosticCodes.HostUnreachable, $"{host.Name} ({host.Address}) is unreachable: {reason}; check that it is up, that sshd listens on that port, and the address");
        }

        if (run.ExitCode == SshError)
        {
            return Error(DiagnosticCodes.HostUnreachable, $"ssh could not connect to {host.Name} ({host.Address}): {said}; try `ssh {host.Destination}` by hand to see more");
        }

        return Error(DiagnosticCodes.HostProbeFailed, $"{host.Name} ({host.Address}) answered, but the probe script failed with exit code {run.ExitCode}{(said.Length > 0 ? $": {said}" : string.Empty)}; the host needs a POSIX sh, /proc/meminfo and df");
    }

    /// <summary>How the host appears in known_hosts: <c>[host]:port</c> for a port other than 22.</summary>
    public static string KnownHostsName(SshHost host) => host.Port is { } port and not 22 ? $"[{host.Host}]:{port}" : host.Host;

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.LastOrDefault(l => !l.StartsWith("Warning: Permanently added", StringComparison.Ordinal) && !l.StartsWith('@')) ?? string.Empty;
    }

    private static Diagnostic Error(string code, string message) => new(code, DiagnosticSeverity.Error, message, SourceSpan.FileStart, null);
}
