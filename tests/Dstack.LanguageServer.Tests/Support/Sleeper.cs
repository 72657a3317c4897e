using System.Diagnostics;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>A short-lived process (<c>sleep 60</c>) that stands in for an editor: tests give its pid as <c>processId</c>, then kill it.</summary>
public sealed class Sleeper : IDisposable
{
    private readonly Process _process = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;

    public int Id => _process.Id;

    /// <summary>Kills the process and waits until it is gone (reaped, so that its pid no longer shows in /proc).</summary>
    public void Kill()
    {
        _process.Kill();
        Assert.True(_process.WaitForExit(Bounded.Limit), $"sleep (pid {Id}) did not die when killed");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
