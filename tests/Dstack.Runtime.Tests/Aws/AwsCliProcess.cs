using System.Diagnostics;
using System.Text;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>A running <c>dstack</c> CLI whose output is read as it comes, so a test can act at a stage of its run.</summary>
internal sealed class AwsCliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Task _reading;

    public AwsCliProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        _process = Process.Start(start)!;
        _process.StandardInput.Close();
        _reading = Task.WhenAll(PumpAsync(_process.StandardOutput, _output), PumpAsync(_process.StandardError, _error));
    }

    public int Id => _process.Id;

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

    /// <summary>Waits (at most <paramref name="seconds"/>) until the output or the error output contains <paramref name="text"/>.</summary>
    public Task WaitForTextAsync(string text, int seconds = 60) =>
        AwsWait.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal) || Error.Contains(text, StringComparison.Ordinal), $"the CLI to write '{text}'\n{this}", seconds);

    /// <summary>Waits (at most 2 minutes, then kills it) until the CLI exits, and answers its exit code.</summary>
    public async Task<int> WaitAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the CLI ran past 2 minutes\n{this}");
        }

        await _reading;
        return _process.ExitCode;
    }

    public override string ToString() => $"stdout:\n{Output}\nstderr:\n{Error}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }
}
