using System.Diagnostics;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// A fact whose <see cref="LoopbackSshd"/> runs in a mount namespace of its own with something bound over a system
/// file (<c>withoutSshd</c>: a host without <c>/usr/sbin/sshd</c>): skipped, with the reason shown, only where this
/// machine cannot do that (not Linux, not root, no <c>unshare</c>, no sshd). Everywhere else it runs and can fail.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PrivateMountFactAttribute : FactAttribute
{
    /// <summary>Asked once per test run.</summary>
    private static readonly Lazy<string?> Reason = new(UnavailableReason);

    public PrivateMountFactAttribute()
    {
        Skip = Reason.Value;
    }

    private static string? UnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "mount namespaces need Linux";
        }

        if (!File.Exists(LoopbackSshd.Sshd))
        {
            return $"no sshd at {LoopbackSshd.Sshd}: install Debian's openssh-server";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return $"not root (user {Environment.UserName}): the host's sshd runs in a mount namespace of its own (unshare -m) with a file bound over {LoopbackSshd.Sshd}, which needs CAP_SYS_ADMIN";
        }

        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "true"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var error = probe.StandardError.ReadToEndAsync();
            if (!probe.WaitForExit(10_000))
            {
                probe.Kill();
                return "unshare -m --propagation private true did not end within 10 seconds";
            }

            return probe.ExitCode == 0 ? null : $"unshare -m --propagation private true failed (exit {probe.ExitCode}): {error.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"no unshare (util-linux): {e.Message}";
        }
    }
}
