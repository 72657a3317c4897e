using System.CommandLine;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack backend check [NAME]</c>: a cheap check that each configured backend (or the one named) works now: this
/// machine always does (what it has is shown); every SSH host is probed afresh, all at once; AWS is asked one cheap
/// call (DescribeRegions) with the configured credentials.
/// </summary>
public static class BackendCheckCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var name = new Argument<string?>("NAME") { Description = "Check only this backend (local, ssh, aws, gcp, azure); without it, every configured one.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("check", "Check that the configured backends work: this machine's resources; every SSH host probed now (reachable, or why not); AWS's credentials and permissions (one EC2 call).") { name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cli = context();
            var configured = BackendRegistry.Read(cli.Home);
            var backends = configured.Catalog.Backends;
            if (parse.GetValue(name) is { } wanted)
            {
                if (configured.Catalog.BackendOf(wanted) is not { } backend)
                {
                    var hint = BackendRegistry.HowToConfigure(cli.Home, wanted) is { } how ? $"; {how}" : string.Empty;
                    await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: backend {wanted}: no such backend is configured; the configured backends are {string.Join(", ", backends.Select(b => b.Name))}{hint}");
                    return DstackCommandLine.UsageError;
                }

                backends = [backend];
            }

            var checks = await Task.WhenAll(backends.Select(b => Check(b, cancellationToken)));
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

            return rows.All(r => r.Ok) && !problems.Any(p => p.IsError) ? DstackCommandLine.Success : DstackCommandLine.ProblemsFound;
        });
        return command;
    }

    /// <summary>One row per machine the backend checked (this machine for local, each host for ssh).</summary>
    private static async Task<IReadOnlyList<CheckRow>> Check(IBackend backend, CancellationToken cancellationToken) =>
        [.. (await backend.CheckAsync(cancellationToken)).Select(c => new CheckRow(backend.Name, c.Machine, c.Ok, c.Status, c.Details))];

    private sealed record CheckRow(string Backend, string Machine, bool Ok, string Status, string Details);
}
