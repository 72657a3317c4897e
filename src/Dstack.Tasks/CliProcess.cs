using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dstack.Tasks;

/// <summary>
/// A running dstack CLI whose output lines are handed to the task's own thread, in order per stream (MSBuild logging
/// belongs on that thread), and whose standard input stays open until <see cref="CloseInput"/>: the CLI started with
/// <c>--stop-when-input-closes</c> stops its run when the input closes, which is how a cancelled build, or a build
/// process that dies, stops the run without leaving it behind.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private const string Shell = "/bin/sh";

    private readonly Process _process;
    private readonly BlockingCollection<(bool IsError, string Line)> _lines = new();
    private int _openStreams = 2;
    private int _inputClosed;

    private CliProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The process id, for messages.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="cliPath"/> with the arguments, each passed as one argument (no quoting to get wrong).</summary>
    /// <param name="environment">Variables to add to the inherited environment (values given to <c>-e NAME</c> this way never show in a command line).</param>
    public static CliProcess Start(string cliPath, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        // One pipe for both streams, as in a terminal: the job's output and dstack's own lines keep their order
        // (two pipes read by two threads would not). Windows keeps two pipes.
        var program = CliCommand.Program(cliPath);
        var merged = !OperatingSystem.IsWindows() && File.Exists(Shell);
        var start = new ProcessStartInfo(merged ? Shell : program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        if (merged)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec \"$0\" \"$@\" 2>&1");
            start.ArgumentList.Add(program);
        }

        foreach (var argument in CliCommand.Prefix(cliPath).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        // The CLI's output is read by a program: no colours, no terminal tricks.
        start.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = start };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Receive(isError: false, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Receive(isError: true, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>
    /// The output lines as they arrive, until both streams end. On Linux and macOS standard error is merged into
    /// standard output (IsError is then always false); on Windows the two come apart.
    /// </summary>
    public IEnumerable<(bool IsError, string Line)> Lines => _lines.GetConsumingEnumerable();

    /// <summary>Closes the CLI's standard input (once; later calls do nothing).</summary>
    public void CloseInput()
    {
        if (Interlocked.Exchange(ref _inputClosed, 1) == 0)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // The CLI has already exited.
            }
        }
    }

    /// <summary>Waits for the exit after the output has ended, and returns the exit code.</summary>
    public int WaitForExit()
    {
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        CloseInput();
        _process.Dispose();
        _lines.Dispose();
    }

    private void Receive(bool isError, string? line)
    {
        if (line is not null)
        {
            _lines.Add((isError, line));
        }
        else if (Interlocked.Decrement(ref _openStreams) == 0)
        {
            _lines.CompleteAdding();
        }
    }
}
