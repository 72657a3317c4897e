using System.CommandLine;
using System.Globalization;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Cli.Runs;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack instance terminate ID [-y] [--force]</c>: terminates one instance through its backend. An instance whose
/// run is still active is refused (stopping the run terminates it) unless <c>--force</c>.
/// </summary>
public static class InstanceTerminateCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var id = new Argument<string>("ID") { Description = "The instance's id (the ID column of dstack instance list)." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var force = new Option<bool>("--force") { Description = "Terminate it even while its run is active (the run then loses its machine)." };
        var command = new Command("terminate", "Terminate an instance through its backend: one a run left behind, or with --force one an active run uses.") { id, yes, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(id)!;
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: instance id {text}: an id is a whole number; write the number in the ID column of dstack instance list");
                return DstackCommandLine.UsageError;
            }

            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store))
            {
                return DstackCommandLine.ProblemsFound;
            }

            if (store.FindInstance(number) is not { } record)
            {
                await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InstanceNotFound}: no instance {number}{KnownIds(store)}");
                return DstackCommandLine.ProblemsFound;
            }

            if (record.IsActive && !parse.GetValue(yes) && cli.Interactive)
            {
                await output.WriteAsync($"Terminate the instance {number} ({Describe(record)})? [y/n]: ");
                if (Console.ReadLine()?.Trim().StartsWith("y", StringComparison.OrdinalIgnoreCase) != true)
                {
                    return DstackCommandLine.Success;
                }
            }

            var result = RunMonitor.TerminateInstance(store, number, parse.GetValue(force));
            var instance = result.Instance ?? record;
            switch (result.Outcome)
            {
                case InstanceTerminationOutcome.Terminated:
                    await output.WriteLineAsync($"Instance {number} ({Describe(instance)}) terminated.");
                    return DstackCommandLine.Success;
                case InstanceTerminationOutcome.AlreadyEnded:
                    await output.WriteLineAsync($"Instance {number} ({Describe(instance)}) is already {InstanceListCommand.StatusText(instance.Status)}.");
                    return DstackCommandLine.Success;
                case InstanceTerminationOutcome.RunActive:
                    await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InstanceInUse}: instance {number} is the machine of job {instance.JobNum} of the run {instance.RunName}, which is still {result.Run!.Status.ToText()}; stop the run with dstack stop {instance.RunName} (that terminates its instances), or pass --force to terminate it anyway");
                    return DstackCommandLine.ProblemsFound;
                case InstanceTerminationOutcome.NotFound:
                    await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InstanceNotFound}: no instance {number}{KnownIds(store)}");
                    return DstackCommandLine.ProblemsFound;
                default:
                    await error.WriteLineAsync($"dstack: error {DiagnosticCodes.TerminateFailed}: instance {number} ({Describe(instance)}) was not terminated: {result.Problem}; it stays {InstanceListCommand.StatusText(instance.Status)}, and the next dstack command tries again (or run this again)");
                    return DstackCommandLine.ProblemsFound;
            }
        });
        return command;
    }

    /// <summary>What the instance is, in a few words: <c>ssh gpu1, job 0 of train</c>.</summary>
    private static string Describe(InstanceRecord instance) =>
        string.Create(CultureInfo.InvariantCulture, $"{instance.Backend} {instance.InstanceType}, job {instance.JobNum} of {instance.RunName}");

    /// <summary>The ids there are, for an id that is not among them.</summary>
    private static string KnownIds(StateStore store)
    {
        var ids = store.ListInstances(all: true).Select(i => i.Id).OrderBy(i => i).ToList();
        return ids.Count switch
        {
            0 => "; there are no instances yet",
            <= 20 => $"; the instances are {string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))} (dstack instance list -a lists them)",
            _ => $"; the instances are numbered {ids[0].ToString(CultureInfo.InvariantCulture)} to {ids[^1].ToString(CultureInfo.InvariantCulture)} (dstack instance list -a lists them)",
        };
    }
}
