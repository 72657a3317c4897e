using System.Globalization;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// The OpenSSH client's command line for one host. Only the options dstack needs are set on the command line,
/// so everything else comes from <c>~/.ssh/config</c> (user aliases, agents, ProxyJump, ciphers). Host keys go to
/// dstack's own <c>known_hosts</c> (or the host's, <see cref="SshHost.KnownHostsFile"/>): recorded on first contact
/// (<c>accept-new</c>), a changed key is refused.
/// Connections are shared (<c>ControlMaster</c>) so a probe followed by a run logs in once.
/// </summary>
public sealed record SshCommand(DstackHome Home, SshHost Host)
{
    /// <summary>The program: the OpenSSH client on PATH.</summary>
    public const string Program = "ssh";

    /// <summary>How long ssh waits for the TCP connection (ConnectTimeout), in seconds.</summary>
    public const int ConnectTimeoutSeconds = 10;

    /// <summary>
    /// Seconds between keep-alive messages (ServerAliveInterval); after <see cref="ServerAliveCountMax"/> unanswered
    /// ones ssh gives up, so a dead link is noticed in about 15 seconds instead of at the next TCP timeout.
    /// </summary>
    public const int ServerAliveIntervalSeconds = 5;

    /// <summary>Unanswered keep-alive messages before ssh closes the connection (ServerAliveCountMax).</summary>
    public const int ServerAliveCountMax = 3;

    /// <summary>
    /// The longest socket path Linux accepts is 107 characters; <c>%C</c> expands to 40. A deeper
    /// <c>$DSTACK_HOME</c> goes without connection sharing rather than failing.
    /// </summary>
    private const int MaxSocketPath = 100;

    /// <summary>The ControlPath pattern: one socket per (local host, remote host, port, user).</summary>
    public string ControlPath => Path.Combine(Home.SshFolder, "cm-%C");

    /// <summary>True when <see cref="ControlPath"/> fits in a Unix socket path, so connections are shared.</summary>
    public bool SharesConnections => ControlPath.Length - "%C".Length + 40 <= MaxSocketPath;

    /// <summary>The arguments to run <paramref name="remoteCommand"/> on the host (none: the remote shell reads stdin).</summary>
    public IReadOnlyList<string> Arguments(string remoteCommand)
    {
        List<string> arguments = [.. Options(shareConnection: true), "--", Host.Destination, remoteCommand];
        return arguments;
    }

    /// <summary>The arguments that close the shared connection (<c>ssh -O exit</c>), as when the host leaves the pool.</summary>
    public IReadOnlyList<string> ExitMasterArguments()
    {
        List<string> arguments = [.. Options(shareConnection: true), "-O", "exit", "--", Host.Destination];
        return arguments;
    }

    /// <summary>
    /// Creates <c>$DSTACK_HOME/ssh</c> (private to the user: ssh refuses a control socket others can reach), and the
    /// folder of the host's own known_hosts when it has one (ssh records the key there on first contact).
    /// </summary>
    public void EnsureFolder()
    {
        EnsureFolder(Home);
        if (Host.KnownHostsFile is { } knownHosts && Path.GetDirectoryName(Path.GetFullPath(knownHosts)) is { } folder)
        {
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    /// <summary>Creates <c>$DSTACK_HOME/ssh</c> of <paramref name="home"/>, private to the user.</summary>
    public static void EnsureFolder(DstackHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        Directory.CreateDirectory(home.SshFolder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(home.SshFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// The options before the destination: batch mode, timeouts, keep-alives, dstack's known_hosts, then the host's
    /// port, key and jump host. With <paramref name="shareConnection"/> (and a short enough <see cref="ControlPath"/>)
    /// the shared connection options come too; without, a caller sets its own (an SSH tunnel's <c>-M -S SOCKET</c>).
    /// </summary>
    public IReadOnlyList<string> Options(bool shareConnection)
    {
        var options = new List<string>
        {
            "-o", "BatchMode=yes",
            "-o", $"ConnectTimeout={ConnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}",
            "-o", "StrictHostKeyChecking=accept-new",
            "-o", $"UserKnownHostsFile={Host.KnownHosts(Home)}",

            // The hosts are named in config.yml anyway; plain names let a user read and edit the file (ssh-keygen -R).
            "-o", "HashKnownHosts=no",
            "-o", $"ServerAliveInterval={ServerAliveIntervalSeconds.ToString(CultureInfo.InvariantCulture)}",
            "-o", $"ServerAliveCountMax={ServerAliveCountMax.ToString(CultureInfo.InvariantCulture)}",
        };
        if (shareConnection && SharesConnections)
        {
            options.AddRange(["-o", "ControlMaster=auto", "-o", $"ControlPath={ControlPath}", "-o", "ControlPersist=60s"]);
        }

        if (Host.Port is { } port)
        {
            options.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        }

        if (Host.IdentityFile is { } identity)
        {
            // IdentitiesOnly: with an agent holding many keys, the server could close the connection before ssh tries this one.
            options.AddRange(["-i", identity, "-o", "IdentitiesOnly=yes"]);
        }

        if (Host.ProxyJump is { } jump)
        {
            options.AddRange(["-J", jump]);
        }

        return options;
    }
}
