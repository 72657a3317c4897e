using System.Diagnostics;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Tests.Processes;

/// <summary>
/// The environment marker that every descendant of a job inherits: processes that left the job's session (setsid, a
/// double fork, nohup) are found by it in /proc and signalled; processes without it are left alone.
/// </summary>
public sealed class MarkedProcessesTests : IDisposable
{
    private readonly string _token = "test-" + Guid.NewGuid().ToString("N");
    private readonly List<string> _tokens = [];

    public void Dispose()
    {
        // setsid forks when it leads a group, so the started process ids are not the shells': the markers find them.
        _tokens.ForEach(token => MarkedProcesses.Signal(JobProcess.TokenVariable, token, Signals.Kill));
    }

    [Fact]
    public async Task Find_ProcessesThatLeftTheSession_AreFoundByTheirMarker()
    {
        var marker = "mp-" + Guid.NewGuid().ToString("N")[..8];
        StartShell($"setsid sh -c 'sleep 1000; echo {marker}-setsid' </dev/null >/dev/null 2>&1 & (sh -c 'sleep 1001; echo {marker}-fork' </dev/null >/dev/null 2>&1 &) ; nohup sh -c 'sleep 1002; echo {marker}-nohup' </dev/null >/dev/null 2>&1 &", _token);

        var found = await WaitForAsync(() => WithMarker(marker).Count == 3);

        Assert.True(found, $"expected 3 processes with {marker}, saw {WithMarker(marker).Count}");
        var marked = MarkedProcesses.Find(JobProcess.TokenVariable, _token);
        Assert.Subset(marked.ToHashSet(), WithMarker(marker).ToHashSet());
    }

    [Fact]
    public async Task Signal_Kill_EndsEveryMarkedProcess_AndNoOther()
    {
        var marker = "mk-" + Guid.NewGuid().ToString("N")[..8];
        StartShell($"setsid sh -c 'sleep 1000; echo {marker}-mine' </dev/null >/dev/null 2>&1 &", _token);
        StartShell($"sh -c 'sleep 1000; echo {marker}-other' </dev/null >/dev/null 2>&1 & wait", "someone-else-" + _token);
        Assert.True(await WaitForAsync(() => WithMarker(marker).Count >= 2));

        var signalled = MarkedProcesses.Signal(JobProcess.TokenVariable, _token, Signals.Kill);

        Assert.True(signalled >= 1);
        Assert.True(await WaitForAsync(() => !WithMarker(marker + "-mine").Any()), "the marked process survived SIGKILL");
        Assert.Single(WithMarker(marker + "-other"));
        Assert.Empty(MarkedProcesses.Find(JobProcess.TokenVariable, _token));
    }

    [Fact]
    public void Find_AValueThatIsOnlyAPrefix_DoesNotMatch()
    {
        StartShell("sleep 1000", _token + "-longer");

        Assert.Empty(MarkedProcesses.Find(JobProcess.TokenVariable, _token));
    }

    private void StartShell(string script, string token)
    {
        var start = new ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false };
        start.Environment[JobProcess.TokenVariable] = token;
        _tokens.Add(token);
        using var process = Process.Start(start)!;
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    private static List<int> WithMarker(string marker)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                // The starting shells carry every marker in their scripts, and each has a '&'; the marked shells have none.
                if (commandLine.Contains(marker, StringComparison.Ordinal) && !commandLine.Contains('&', StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}
