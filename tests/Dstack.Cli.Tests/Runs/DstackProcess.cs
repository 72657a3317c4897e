using System.Diagnostics;
using System.Text;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Runs;

/// <summary>A running <c>dstack</c> process whose output is collected as it comes, so tests can wait for a line.</summary>
public sealed class DstackProcess
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Task _reading;

    public DstackProcess(Process process)
    {
        _process = process;
        _process.StandardInput.Close();
        _reading = Task.WhenAll(Pump(process.StandardOutput, _output), Pump(process.StandardError, _error));
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Waits until the combined output contains <paramref name="text"/>; fails the test after <paramref name="limit"/>.</summary>
    public async Task WaitForTextAsync(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!(Output + Error).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' did not appear within {limit.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Error}");
            if (_process.HasExited && _reading.IsCompleted && !(Output + Error).Contains(text, StringComparison.Ordinal))
            {
                Assert.Fail($"dstack exited ({_process.ExitCode}) before '{text}' appeared.\nstdout:\n{Output}\nstderr:\n{Error}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt() => Signals.SignalProcess(_process.Id, Signals.Interrupt);

    public async Task<DstackResult> WaitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"dstack did not exit within {limit.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Error}");
        }

        return new DstackResult(_process.ExitCode, Output, Error);
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task Pump(StreamReader reader, StringBuilder target)
    {
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (target)
            {
                target.Append(buffer, 0, read);
            }
        }
    }
}

public sealed record DstackResult(int Code, string Output, string Error)
{
    public override string ToString() => $"exit {Code}\nstdout:\n{Output}\nstderr:\n{Error}";
}
