using Dstack.Runtime.DevEnvironments;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Hosts;

/// <summary>
/// A dev environment's SSH server on the host (<see cref="RemoteSshServer"/>): started over the host's connection in
/// the job's folder there, letting in the key dstack logs in with.
/// </summary>
public sealed partial class RemoteHost
{
    public IDevEnvironmentServer StartDevEnvironmentServer(int rank, DevEnvironmentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Connect() is { } problem)
        {
            throw new DevEnvironmentServerException($"{Name} did not answer: {problem.Message}");
        }

        string home;
        try
        {
            home = RemoteHome();
        }
        catch (JobStartException e)
        {
            throw new DevEnvironmentServerException(e.Message);
        }

        var folder = RemoteJobFolder.For(_context.Home, _context.Run, rank).FolderUnder(home) + "/" + RemoteJobFolder.ServerFolderName;
        return RemoteSshServer.Start(Connection, folder, session, AuthorizedKey());
    }

    /// <summary>
    /// The public key of the identity file dstack logs in to the host with (its <c>.pub</c> beside it, else what
    /// <c>ssh-keygen -y</c> reads from it); null when dstack logs in with the agent's or ssh's default keys.
    /// </summary>
    private string? AuthorizedKey()
    {
        if (Host.IdentityFile is not { } identity)
        {
            return null;
        }

        var file = identity.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), identity[2..])
            : Path.GetFullPath(identity);
        try
        {
            if (File.Exists(file + ".pub"))
            {
                return File.ReadAllText(file + ".pub").Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read from the private key instead.
        }

        var derived = ProgramOutput.Run("ssh-keygen", ["-y", "-f", file], null, TimeSpan.FromSeconds(30));
        return derived.ExitCode == 0 && derived.Output.Trim() is { Length: > 0 } key
            ? key
            : throw new DevEnvironmentServerException($"the public key of {identity} (the identity file dstack logs in to {Name} with) could not be read: {(derived.NotStarted ?? derived.Error).Trim()}; put it beside the key as {identity}.pub");
    }
}
