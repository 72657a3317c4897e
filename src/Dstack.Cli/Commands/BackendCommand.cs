using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack backend list | check</c>: the backends runs can go to (this machine unless the <c>backends:</c> list of
/// <c>$DSTACK_HOME/config.yml</c> switches it off; the SSH pool when it has hosts), and whether each works now.
/// </summary>
public static class BackendCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var command = new Command("backend", "See the backends runs can use (this machine, the SSH pool of $DSTACK_HOME/config.yml): list, check.");
        command.Subcommands.Add(BackendListCommand.Create(output, error, context));
        command.Subcommands.Add(BackendCheckCommand.Create(output, error, context));
        return command;
    }

    /// <summary>The machines a backend is configured with (an SSH pool's hosts); null when it has none to name.</summary>
    internal static IReadOnlyList<string>? HostsOf(IBackend backend) => backend.Machines is { Count: > 0 } machines ? machines : null;

    /// <summary>
    /// config.yml's problems as read: a run shows them as warnings (they only leave a backend out), but here an error
    /// is what is wrong and fails the command; a warning (a backend type not supported yet) is only shown.
    /// </summary>
    internal static IReadOnlyList<Diagnostic> ProblemsOf(ConfiguredBackends configured) => configured.Problems;
}
