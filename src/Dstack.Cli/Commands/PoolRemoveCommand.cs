using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack pool remove NAME</c>: takes a host out of the pool and closes dstack's shared connection to it.</summary>
public static class PoolRemoveCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var name = new Argument<string>("NAME") { Description = "The host's name in the pool (see dstack pool list)." };
        var command = new Command("remove", "Remove an SSH host from the pool. Its recorded host key stays in $DSTACK_HOME/ssh/known_hosts.") { name };
        command.SetAction(parse =>
        {
            var cli = context();
            if (!PoolCommand.TryReadHosts(cli, error, out var config))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var wanted = parse.GetValue(name)!;
            if (config.Find(wanted) is not { } host)
            {
                var names = config.Hosts.Select(h => h.Name).ToList();
                var hint = DidYouMean.Find(wanted, names) is { } best ? $"; did you mean {best}?" : names.Count == 0 ? "; the pool is empty" : "; dstack pool list shows the hosts";
                PoolCommand.Report(error, DiagnosticCodes.HostNotFound, $"no SSH host named {wanted} in the pool{hint}");
                return DstackCommandLine.ProblemsFound;
            }

            if (!PoolCommand.TryWriteHosts(config, [.. config.Hosts.Where(h => h != host)], error))
            {
                return DstackCommandLine.ProblemsFound;
            }

            // The shared connection would otherwise stay up until ControlPersist ends it; a failure here changes nothing.
            var ssh = new SshCommand(cli.Home, host);
            if (ssh.SharesConnections && Directory.Exists(cli.Home.SshFolder))
            {
                ProgramOutput.Run(SshCommand.Program, ssh.ExitMasterArguments(), null, TimeSpan.FromSeconds(5));
            }

            // Its kept probe goes too: a host added again under the name is probed afresh.
            SshProbeCache.Forget(cli.Home, host);

            output.WriteLine($"Removed {host.Name} ({host.Address}).");
            return DstackCommandLine.Success;
        });
        return command;
    }
}
