namespace Dstack.Tasks.Tests;

/// <summary>Whether a process is still alive, from <c>/proc</c> (Linux).</summary>
public static class ProcessTable
{
    /// <summary>True while the process exists and is not a zombie (dead, waiting for its parent to reap it).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            // /proc/PID/stat: "PID (command) STATE ...": the command may hold spaces and parentheses, the state follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].TrimStart();
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The process id a job wrote to a file (<c>echo $! &gt; FILE</c>); null until the whole line is there.</summary>
    public static int? ReadPid(string file)
    {
        try
        {
            var text = File.ReadAllText(file);
            return text.EndsWith('\n') && int.TryParse(text.AsSpan().Trim(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
