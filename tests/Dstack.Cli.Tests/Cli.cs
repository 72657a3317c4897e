namespace Dstack.Cli.Tests;

/// <summary>What one in-process run of the <c>dstack</c> command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the real command line in-process, the way Program.cs does, with captured output.</summary>
public static class Cli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DstackCommandLine.RunAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
