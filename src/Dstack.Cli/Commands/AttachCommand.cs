using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack attach RUN [--host H] [-p MAPPING]...</c>: forward the run's ports again and follow its logs.</summary>
public static class AttachCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var run = new Argument<string>("RUN") { Description = "The run name (see dstack ps)." };
        var host = new Option<string?>("--host") { Description = "The address forwarded ports listen on (default 127.0.0.1).", HelpName = "HOST" };
        var port = new Option<string[]>("--port", "-p") { Description = "Forward this mapping instead of the run's own for the same container port (repeatable).", HelpName = "MAPPING" };
        var noColor = new Option<bool>("--no-color") { Description = "Never use colour." };
        var command = new Command("attach", "Attach to a running run: forward its ports to this machine again and follow its logs until it ends (Ctrl+C asks whether to stop it).") { run, host, port, noColor };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store) || !CommandSupport.TryFindRun(store, parse.GetValue(run)!, error, out var record))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var spec = CommandSupport.SpecOf(record);
            if (spec is null || record.Status.IsFinished())
            {
                await error.WriteLineAsync($"{record.Name} has finished ({record.Status.ToText()}); dstack logs {record.Name} shows its output.");
                return DstackCommandLine.ProblemsFound;
            }

            IReadOnlyList<PortMapping> ports;
            try
            {
                ports = PortOverrides.Apply(spec.Ports, parse.GetValue(port) ?? []);
            }
            catch (ValueException e)
            {
                await error.WriteLineAsync($"dstack attach: {e.Message}");
                return DstackCommandLine.UsageError;
            }

            var address = parse.GetValue(host) ?? "127.0.0.1";
            using var master = RunHosts.Master(store, record, spec, cli.Environment);
            PortReservation reservation;
            try
            {
                reservation = master.ReservePorts(ports, address, jobListening: true);
            }
            catch (PortUnavailableException e)
            {
                await error.WriteLineAsync($"dstack: error {e.Code}: {e.Message}");
                return DstackCommandLine.ProblemsFound;
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync($"dstack attach: --host {address}: {e.Message}");
                return DstackCommandLine.UsageError;
            }

            var color = !parse.GetValue(noColor) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR"));
            return await new AttachedRun(cli, store, output, error, color).RunAsync(record, spec, master, reservation, address);
        });
        return command;
    }
}
