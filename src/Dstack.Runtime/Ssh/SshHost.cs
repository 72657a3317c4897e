using System.Globalization;
using Dstack.Runtime.Names;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// One host of the SSH pool, as <c>dstack pool add-ssh</c> recorded it in <c>$DSTACK_HOME/config.yml</c>.
/// Only what the user gave is kept: a null port, identity file or jump host leaves the choice to OpenSSH
/// (<c>~/.ssh/config</c>, the agent, the default keys).
/// </summary>
/// <param name="Name">The pool's name for the host (unique), by default the host itself.</param>
/// <param name="User">The login user.</param>
/// <param name="Host">A host name, an address, or a <c>Host</c> alias of <c>~/.ssh/config</c>.</param>
/// <param name="Port">The SSH port, or null for OpenSSH's choice (22 unless <c>~/.ssh/config</c> says otherwise).</param>
/// <param name="IdentityFile">The private key to log in with (<c>ssh -i</c>), or null.</param>
/// <param name="ProxyJump">The jump host (<c>ssh -J</c>), or null.</param>
public sealed record SshHost(string Name, string User, string Host, int? Port = null, string? IdentityFile = null, string? ProxyJump = null)
{
    /// <summary>The lowest and highest TCP port.</summary>
    public const int MinPort = 1;

    public const int MaxPort = 65535;

    /// <summary>
    /// The host's own known_hosts (a cloud instance's: new host keys at a reused address), or null for the pool's
    /// <see cref="State.DstackHome.KnownHostsFile"/>. Either way a key is recorded on first contact and a changed one refused.
    /// </summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>
    /// The machine this host is reached through (its sshd listens only on that machine's loopback: a dev environment's
    /// server on a pool host or a cloud instance), or null when it is reached directly. The generated entry's
    /// <c>ProxyCommand</c> logs in to it as dstack does (its key, known_hosts and jump host).
    /// </summary>
    public SshHost? Through { get; init; }

    /// <summary>The known_hosts file ssh uses for this host: its own, or the pool's of <paramref name="home"/>.</summary>
    public string KnownHosts(State.DstackHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return KnownHostsFile ?? home.KnownHostsFile;
    }

    /// <summary>The destination as ssh takes it: <c>user@host</c>.</summary>
    public string Destination => $"{User}@{Host}";

    /// <summary>How the host is shown: <c>user@host</c>, with <c>:port</c> when one is set.</summary>
    public string Address => Port is { } port ? string.Create(CultureInfo.InvariantCulture, $"{Destination}:{port}") : Destination;

    /// <summary>
    /// Reads <c>USER@HOST</c> (the user is required: the pool records who logs in). Returns null with a message
    /// naming the value, the rule and the fix when it is malformed.
    /// </summary>
    public static (string User, string Host)? ParseDestination(string destination, out string? problem)
    {
        problem = null;
        var at = destination.LastIndexOf('@');
        var user = at > 0 ? destination[..at] : string.Empty;
        var host = at >= 0 ? destination[(at + 1)..] : destination;
        if (user.Length == 0 || host.Length == 0)
        {
            problem = $"{destination} is not USER@HOST; write the login user and the host, such as ubuntu@{(host.Length > 0 ? host : "10.0.0.5")}";
            return null;
        }

        if (host.Any(c => char.IsWhiteSpace(c) || c == '@') || user.Any(char.IsWhiteSpace) || host.StartsWith('-'))
        {
            problem = $"{destination} is not USER@HOST: the user and the host cannot contain spaces, and the host cannot start with '-'";
            return null;
        }

        return (user, host);
    }

    /// <summary>True for a name the pool can use (<see cref="NameRule.PoolHost"/>): letters, digits, '.', '-' and '_', starting with a letter or digit.</summary>
    public static bool IsValidName(string name) => NameRule.PoolHost.Accepts(name);
}
