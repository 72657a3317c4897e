using System.ComponentModel;
using System.Diagnostics;

namespace Dstack.Runtime.Processes;

/// <summary>Runs a helper program (git, nvidia-smi) and returns what it printed, or null when it is missing, fails or hangs.</summary>
public static class ProgramOutput
{
    public static string? TryRun(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            // Both pipes are drained at once: reading one to the end first can deadlock when the other fills up.
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            Task.WaitAll(output, errors);
            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
