using System.ComponentModel;
using System.Diagnostics;
using System.Text;

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

    /// <summary>
    /// Runs <paramref name="program"/>, writes <paramref name="input"/> to its stdin, and returns its exit code and both
    /// outputs. Once the program has exited, its pipes get a short grace to drain: a child it left in the background
    /// (an ssh ControlPersist master) may hold them open for much longer.
    /// </summary>
    public static ProgramRun Run(string program, IEnumerable<string> arguments, string? input, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            return new ProgramRun(-1, string.Empty, string.Empty, TimedOut: false, NotStarted: e.Message);
        }

        if (process is null)
        {
            return new ProgramRun(-1, string.Empty, string.Empty, TimedOut: false, NotStarted: $"{program} did not start");
        }

        using (process)
        {
            var output = new StringBuilder();
            var errors = new StringBuilder();
            var readers = Task.WhenAll(Drain(process.StandardOutput, output), Drain(process.StandardError, errors));
            try
            {
                process.StandardInput.Write(input ?? string.Empty);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It exited without reading its input; its exit code and output tell why.
            }

            var exited = process.WaitForExit(timeout);
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }

            readers.Wait(TimeSpan.FromSeconds(2));
            lock (output)
            {
                lock (errors)
                {
                    return new ProgramRun(exited ? process.ExitCode : -1, output.ToString(), errors.ToString(), TimedOut: !exited);
                }
            }
        }
    }

    private static async Task Drain(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }
}
