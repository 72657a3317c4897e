using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Names;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack pool add-ssh USER@HOST [-p PORT] [-i KEY] [--name NAME] [--proxy-jump HOST] [--no-probe]</c>: probes the
/// host over SSH (recording its key on first contact) and adds it to the pool; an unreachable host is refused.
/// </summary>
public static class PoolAddSshCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var destination = new Argument<string>("DESTINATION") { Description = "USER@HOST: the login user and the host name, address or ~/.ssh/config alias." };
        var port = new Option<int?>("--port", "-p") { Description = "The SSH port (default: 22, or the port ~/.ssh/config gives the host).", HelpName = "PORT" };
        var identity = new Option<string?>("--identity", "-i") { Description = "The private key to log in with (default: ssh-agent, ~/.ssh/config, ~/.ssh/id_*).", HelpName = "KEY" };
        var name = new Option<string?>("--name") { Description = "The host's name in the pool (default: HOST): letters, digits, '.', '-' and '_', starting with a letter or digit.", HelpName = "NAME" };
        var jump = new Option<string?>("--proxy-jump", "-J") { Description = "Reach the host through this jump host, as ssh -J does ([USER@]HOST[:PORT]).", HelpName = "HOST" };
        var noProbe = new Option<bool>("--no-probe") { Description = "Add the host without connecting to it (its key is then recorded on first use)." };
        var command = new Command("add-ssh", "Add an SSH host to the pool: connect, record its host key, read its cores, memory, disk and GPUs, and keep it in $DSTACK_HOME/config.yml.")
        {
            destination, port, identity, name, jump, noProbe,
        };
        command.SetAction(parse =>
        {
            var cli = context();
            if (Read(parse, cli, destination, port, identity, name, jump, error) is not { } host)
            {
                return DstackCommandLine.UsageError;
            }

            if (!PoolCommand.TryReadHosts(cli, error, out var config))
            {
                return DstackCommandLine.ProblemsFound;
            }

            if (config.Find(host.Name) is { } existing)
            {
                PoolCommand.Report(error, DiagnosticCodes.HostNameTaken, $"the pool already has a host named {host.Name} ({existing.Address}); choose another with --name, or remove it first with dstack pool remove {host.Name}");
                return DstackCommandLine.ProblemsFound;
            }

            var resources = "not probed (--no-probe)";
            if (!parse.GetValue(noProbe))
            {
                var probe = SshHostProbe.Probe(cli.Home, host);
                if (!probe.Succeeded)
                {
                    PoolCommand.Report(error, probe.Problem!);
                    error.WriteLine($"{host.Name} was not added; fix the problem above, or add it anyway with --no-probe.");
                    return DstackCommandLine.ProblemsFound;
                }

                resources = probe.Resources!.ToString();
            }

            if (!PoolCommand.TryWriteHosts(config, [.. config.Hosts, host], error))
            {
                return DstackCommandLine.ProblemsFound;
            }

            output.WriteLine($"Added {host.Name} ({host.Address}): {resources}");
            return DstackCommandLine.Success;
        });
        return command;
    }

    private static SshHost? Read(
        ParseResult parse, CliContext cli, Argument<string> destination, Option<int?> port, Option<string?> identity, Option<string?> name, Option<string?> jump, TextWriter error)
    {
        if (SshHost.ParseDestination(parse.GetValue(destination)!, out var problem) is not { } target)
        {
            PoolCommand.Report(error, DiagnosticCodes.InvalidOption, problem!);
            return null;
        }

        var portValue = parse.GetValue(port);
        if (portValue is { } p && p is < SshHost.MinPort or > SshHost.MaxPort)
        {
            PoolCommand.Report(error, DiagnosticCodes.InvalidOption, $"-p {p} is not a TCP port; give a number from {SshHost.MinPort} to {SshHost.MaxPort}, such as 22");
            return null;
        }

        var key = parse.GetValue(identity);
        if (key is not null)
        {
            key = Path.GetFullPath(key, cli.WorkingDirectory);
            if (!File.Exists(key))
            {
                PoolCommand.Report(error, DiagnosticCodes.InvalidOption, $"-i {parse.GetValue(identity)}: there is no key file at {key}; give the private key's path");
                return null;
            }
        }

        var hostName = parse.GetValue(name) ?? target.Host;
        if (NameRule.PoolHost.Problem(hostName) is { } nameProblem)
        {
            PoolCommand.Report(error, DiagnosticCodes.InvalidOption, parse.GetValue(name) is null ? $"{nameProblem}; or name it in the pool with --name" : $"--name: {nameProblem}");
            return null;
        }

        var jumpHost = parse.GetValue(jump);
        if (jumpHost is { Length: 0 } || jumpHost?.StartsWith('-') == true)
        {
            PoolCommand.Report(error, DiagnosticCodes.InvalidOption, $"--proxy-jump '{jumpHost}' is not a host; give [USER@]HOST[:PORT]");
            return null;
        }

        return new SshHost(hostName, target.User, target.Host, portValue, key, jumpHost);
    }
}
