using System.CommandLine;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack backend check [NAME]</c>: a cheap check that each configured backend (or the one named) works now: this
/// machine always does (what it has is shown); every SSH host is probed afresh, all at once.
/// </summary>
public static class BackendCheckCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var name = new Argument<string?>("NAME") { Description = "Check only this backend (local, ssh); without it, every configured one.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("check", "Check that the configured backends work: this machine's resources; every SSH host probed now (reachable, or why not).") { name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cli = context();
            var configured = BackendRegistry.Read(cli.Home);
            var backends = configured.Catalog.Backends;
            if (parse.GetValue(name) is { } wanted)
            {
                if (configured.Catalog.BackendOf(wanted) is not { } backend)
                {
                    var hint = wanted == SshBackend.BackendName ? "; ssh is configured once the pool has a host: dstack pool add-ssh USER@HOST" : string.Empty;
                    await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: backend {wanted}: no such backend is configured; the configured backends are {string.Join(", ", backends.Select(b => b.Name))}{hint}");
                    return DstackCommandLine.UsageError;
                }

                backends = [backend];
            }

            var checks = await Task.WhenAll(backends.Select(b => Task.Run(() => Check(cli, b), cancellationToken)));
            var rows = checks.SelectMany(c => c).ToList();
            TextTable.Write(
                output,
                ["BACKEND", "MACHINE", "STATUS", "DETAILS"],
                rows.Select(r => (IReadOnlyList<string>)[r.Backend, r.Machine, r.Status, r.Details]),
                !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR")));
            var problems = BackendCommand.ProblemsOf(configured);
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem.ToString());
            }

            return rows.All(r => r.Ok) && problems.Count == 0 ? DstackCommandLine.Success : DstackCommandLine.ProblemsFound;
        });
        return command;
    }

    /// <summary>One row per machine of the backend: this one for local, each host for ssh (probed at once).</summary>
    private static IReadOnlyList<CheckRow> Check(CliContext cli, IBackend backend)
    {
        if (BackendCommand.HostsOf(backend) is { } hosts)
        {
            // Every host at once, afresh: a list of unreachable hosts takes one timeout, not one per host.
            return [.. SshProbeCache.ProbeAll(cli.Home, hosts, TimeSpan.Zero).Select(p => p.Succeeded
                ? new CheckRow(backend.Name, p.Host.Name, true, "reachable", $"{p.Host.Address}: {p.Resources}")
                : new CheckRow(backend.Name, p.Host.Name, false, "unreachable", $"{p.Problem!.Code} {p.Problem.Message}"))];
        }

        if (backend is LocalBackend)
        {
            return [new CheckRow(backend.Name, System.Environment.MachineName, true, "ok", $"this machine: {LocalMachine.Detect(cli.Home.Root)}")];
        }

        // A backend this command knows no check for yet: listed, not failed.
        return [new CheckRow(backend.Name, string.Empty, true, "ok", "configured; no check is known for it")];
    }

    private sealed record CheckRow(string Backend, string Machine, bool Ok, string Status, string Details);
}
