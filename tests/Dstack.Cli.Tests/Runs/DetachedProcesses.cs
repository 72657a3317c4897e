namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// Job commands that leave the job's session three ways (<c>setsid</c>, a double fork, <c>nohup … &amp;</c>), each
/// a shell whose command line carries a marker, and a look in /proc for what is left of them.
/// </summary>
internal static class DetachedProcesses
{
    /// <summary>
    /// The commands, as lines of a YAML <c>commands:</c> list. The setsid one keeps the job's output open. Each shell
    /// sleeps a second at a time, so nothing unmarked outlives it by more than a second.
    /// </summary>
    public static string Commands(string marker) =>
        $"  - setsid sh -c 'while :; do sleep 1; done; echo {marker}-setsid' &\n" +
        $"  - (sh -c 'while :; do sleep 1; done; echo {marker}-fork' </dev/null >/dev/null 2>&1 &)\n" +
        $"  - nohup sh -c 'while :; do sleep 1; done; echo {marker}-nohup' </dev/null >/dev/null 2>&1 &\n";

    /// <summary>The detached shells still alive on this machine (the job's own shell, whose script holds the markers, has a '&amp;' and is not counted).</summary>
    public static IReadOnlyList<int> Find(string marker)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
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

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; false when it never did.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    /// <summary>Kills what a failed test left behind.</summary>
    public static void Kill(string marker) => Find(marker).ToList().ForEach(pid => Dstack.Runtime.Processes.Signals.SignalProcess(pid, Dstack.Runtime.Processes.Signals.Kill));
}
