using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack pool add-ssh | list | remove</c>: the SSH hosts that runs may use, kept in <c>$DSTACK_HOME/config.yml</c>.</summary>
public static class PoolCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var command = new Command("pool", "Manage the SSH hosts that runs can use: add-ssh, list, remove. They are kept in $DSTACK_HOME/config.yml.");
        command.Subcommands.Add(PoolAddSshCommand.Create(output, error, context));
        command.Subcommands.Add(PoolListCommand.Create(output, error, context));
        command.Subcommands.Add(PoolRemoveCommand.Create(output, error, context));
        return command;
    }

    /// <summary>Reads config.yml; prints its problems (file, line, column) and returns false when it is malformed.</summary>
    internal static bool TryReadHosts(CliContext cli, TextWriter error, [NotNullWhen(true)] out SshHostsConfig? config)
    {
        config = SshHostsConfig.Read(cli.Home.ConfigFile, out var problems);
        foreach (var problem in problems)
        {
            error.WriteLine(problem.ToString());
        }

        if (problems.Any(p => p.IsError))
        {
            config = null;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Writes the hosts; prints the problem and returns false when config.yml cannot be written. A file that still had
    /// the old <c>ssh_hosts:</c> now has them under <c>backends:</c>, which is said once.
    /// </summary>
    internal static bool TryWriteHosts(SshHostsConfig config, IReadOnlyList<SshHost> hosts, TextWriter error)
    {
        if (config.Write(hosts) is { } problem)
        {
            error.WriteLine(problem.ToString());
            return false;
        }

        if (config.HasOldHostsKey)
        {
            error.WriteLine("config.yml: moved ssh_hosts under backends (type: ssh)");
        }

        return true;
    }

    /// <summary>A problem that concerns no file: <c>dstack: error CODE: message</c>.</summary>
    internal static void Report(TextWriter error, string code, string message) => error.WriteLine($"dstack: error {code}: {message}");

    internal static void Report(TextWriter error, Diagnostic problem) => error.WriteLine(problem.ToString());
}
