using System.Diagnostics;

namespace Dstack.Tasks;

/// <summary>Runs one short CLI command (<c>ps --json</c>, <c>stop</c>) to its end and returns what it printed.</summary>
public static class CliQuery
{
    /// <summary>The exit code, standard output and standard error; exit code -1 when it ran past <paramref name="limit"/> (it is killed).</summary>
    public static (int ExitCode, string Output, string Error) Run(string cliPath, IEnumerable<string> arguments, string workingDirectory, TimeSpan limit)
    {
        var start = new ProcessStartInfo(CliCommand.Program(cliPath))
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in CliCommand.Prefix(cliPath).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)limit.TotalMilliseconds))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }

            process.WaitForExit();
            return (-1, output.Result, error.Result);
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
