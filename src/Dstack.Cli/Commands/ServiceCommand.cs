using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Services;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack service token</c>: the bearer token that services with <c>auth: true</c> require.</summary>
public static class ServiceCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var command = new Command("service", "Services' shared settings: token.");
        var token = new Command("token", "Print the bearer token that services with auth: true require (Authorization: Bearer TOKEN); made on first use in $DSTACK_HOME/service-token (0600).");
        token.SetAction(_ =>
        {
            var cli = context();
            try
            {
                output.WriteLine(ServiceToken.GetOrCreate(cli.Home));
                return DstackCommandLine.Success;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"dstack: error {DiagnosticCodes.FileUnreadable}: {e.Message}");
                return DstackCommandLine.ProblemsFound;
            }
        });
        command.Subcommands.Add(token);
        return command;
    }
}
