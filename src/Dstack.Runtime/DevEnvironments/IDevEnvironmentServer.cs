using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// A dev environment's own SSH server on the job's machine (<see cref="Hosts.IJobHost.StartDevEnvironmentServer"/>):
/// how <c>ssh RUN</c> reaches it, and how many sessions it has open. Disposing it ends the server and every session,
/// and removes its files on both machines.
/// </summary>
public interface IDevEnvironmentServer : IDisposable
{
    /// <summary>The login for the <c>Host RUN</c> entry: its address, user, port, key, known_hosts, and the machine it is reached through.</summary>
    SshHost Login { get; }

    /// <summary>How often <see cref="CountSessions"/> is worth asking (each answer may cost a command on the machine).</summary>
    TimeSpan SessionInterval { get; }

    /// <summary>The SSH sessions open now; null when that cannot be told now (the machine did not answer).</summary>
    int? CountSessions();
}

/// <summary>What a dev environment's SSH server serves: where and how its sessions run, and who may log in.</summary>
/// <param name="Alias">The <c>Host</c> name of the entry (the run's name).</param>
/// <param name="LocalFolder">The server's folder on this machine (<c>$DSTACK_HOME/runs/RUN/ssh-server</c>): its known_hosts, and on this machine the server itself.</param>
/// <param name="WorkingFolder">Where sessions start: the job's working folder on its machine, or in its container.</param>
/// <param name="Environment">The job's environment, which sessions get.</param>
/// <param name="Container">The job's container, where sessions run (<c>image:</c>); null when the job runs on the machine itself.</param>
/// <param name="ProjectKeyPublic">The project key's public line, let in where the project key is the login (this machine).</param>
/// <param name="ProjectKeyFile">The project key's private file.</param>
public sealed record DevEnvironmentSession(
    string Alias,
    string LocalFolder,
    string WorkingFolder,
    IReadOnlyDictionary<string, string> Environment,
    string? Container,
    string ProjectKeyPublic,
    string ProjectKeyFile);
