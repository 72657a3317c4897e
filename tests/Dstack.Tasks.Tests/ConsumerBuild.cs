using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Dstack.Tasks.Tests;

/// <summary>
/// A <c>dotnet</c> process (a build, a pack, the packaged CLI) started the way a user's shell starts it, whose
/// standard output and error are collected line by line as they come, so that a test can wait for a line.
/// </summary>
public sealed class ConsumerBuild : IDisposable
{
    private const int SigInt = 2;
    private const int SigKill = 9;

    // Runs the rest of the command line as the leader of a new session and process group, with SIGINT and SIGPIPE
    // at their default disposition whatever this test host inherited (a shell's `cmd &` ignores SIGINT, and an
    // ignored signal stays ignored across exec), so SIGINT to the group acts like Ctrl+C in a terminal.
    private const string NewSessionScript =
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGPIPE, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])";

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Task _reading;

    private ConsumerBuild(Process process)
    {
        _process = process;
        _process.StandardInput.Close();
        _reading = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    /// <summary>The process id; with a new session, also its process group id.</summary>
    public int Pid => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>The output lines so far, standard output and standard error together.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>The <c>dotnet</c> that runs this test host (the same SDK the tests were built with), else the one on PATH.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// Starts <c>dotnet ARGUMENTS</c> in <paramref name="workingDirectory"/>. <paramref name="environment"/> sets
    /// variables, or removes those whose value is null. <paramref name="newSession"/>: in a session and process
    /// group of its own (see <see cref="Interrupt"/>), through python3.
    /// </summary>
    public static ConsumerBuild Start(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, bool newSession = false)
    {
        var start = new ProcessStartInfo(newSession ? "python3" : Dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (newSession)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(NewSessionScript);
            start.ArgumentList.Add(Dotnet);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs inside a build: its MSBuild settings must not leak into the builds under test.
        foreach (var name in (string[])["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"])
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new ConsumerBuild(Process.Start(start)!);
    }

    /// <summary>Runs <c>dotnet ARGUMENTS</c> to its end; kills it and throws after <paramref name="limit"/>.</summary>
    public static async Task<ConsumerBuild> RunDotnetAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan limit)
    {
        var words = arguments.ToList();
        var process = Start(workingDirectory, words, environment);
        try
        {
            await process.WaitForExitAsync(limit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"dotnet {string.Join(' ', words)}: {e.Message}", e);
        }

        return process;
    }

    /// <summary>Waits for the exit and for the end of the output; kills the process (its group, when it leads one) and throws after <paramref name="limit"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Dispose();
            throw new TimeoutException($"did not exit within {limit.TotalSeconds} s; the output so far:\n{Output}");
        }

        // Bounded: a process the build left behind could hold the pipes open; its lines are not needed then.
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Waits until a line satisfies <paramref name="condition"/>; fails the test when the process ends first or after <paramref name="limit"/>.</summary>
    public async Task WaitForLineAsync(Func<string, bool> condition, string what, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!Lines.Any(condition))
        {
            if (_process.HasExited && _reading.IsCompleted && !Lines.Any(condition))
            {
                Assert.Fail($"the build exited ({_process.ExitCode}) before {what} appeared:\n{Output}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} did not appear within {limit.TotalSeconds} s:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGINT to the process group this process leads, as Ctrl+C in a terminal does to the foreground job.</summary>
    public void Interrupt() => Assert.True(SysKill(-_process.Id, SigInt) == 0, $"kill(-{_process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");

    /// <summary>Kills what is still running: the process group when the process leads one, else the process tree.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                if (SysKill(-_process.Id, SigKill) != 0)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // It has just exited.
        }

        _process.Dispose();
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
