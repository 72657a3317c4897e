using System.Diagnostics;
using System.Globalization;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>
/// A process that has exited but is not reaped: its pid stays in /proc with state Z until its parent waits for it.
/// The parent is <c>sh</c>, which starts the child and then becomes <c>sleep 60</c> (exec), and sleep never waits for
/// children. The child exits only once its parent <em>is</em> sleep (it reads /proc/PPID/comm), so the shell cannot
/// have reaped it first, however the machine schedules the two. Linux only. Disposing kills the parent; init then
/// reaps the zombie.
/// </summary>
public sealed class Zombie : IDisposable
{
    // The child's loop ends when its parent is sleep, or when /proc/PPID is gone (the parent was killed early).
    private const string Child = "while read -r name < /proc/$PPID/comm && [ \"$name\" != sleep ]; do sleep 0.01; done";

    private readonly Process _parent;

    private Zombie(Process parent, int id)
    {
        _parent = parent;
        Id = id;
    }

    /// <summary>The zombie's pid.</summary>
    public int Id { get; }

    /// <summary>Starts the parent and waits (within <see cref="Bounded.Limit"/>) until its child is a zombie.</summary>
    /// <param name="parentDelay">How long the shell runs (<c>sleep</c>, during which it reaps any child that exits) before it becomes sleep 60.</param>
    public static async Task<Zombie> StartAsync(TimeSpan? parentDelay = null)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        var delay = (parentDelay ?? TimeSpan.Zero).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        foreach (var argument in new[] { "-c", "sh -c \"$1\" & echo $!; sleep \"$2\"; exec sleep 60", "zombie-parent", Child, delay })
        {
            start.ArgumentList.Add(argument);
        }

        var parent = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        try
        {
            var line = await parent.StandardOutput.ReadLineAsync().WaitAsync(Bounded.Limit);
            var zombie = new Zombie(parent, int.Parse(line ?? string.Empty, CultureInfo.InvariantCulture));

            // First the parent: once it is sleep, nothing reaps the child any more, so the zombie stays.
            await Bounded.UntilAsync(() => Command(parent.Id) == "sleep", () => $"process {parent.Id} to become sleep 60: {Command(parent.Id)}");
            await Bounded.UntilAsync(zombie.IsZombie, () => $"process {zombie.Id} (child of {parent.Id}) to become a zombie: {zombie.State()}");
            return zombie;
        }
        catch
        {
            Kill(parent);
            throw;
        }
    }

    /// <summary>The process's state letter from /proc/PID/stat (Z for a zombie), or "gone".</summary>
    public string State()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Id}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    public void Dispose() => Kill(_parent);

    /// <summary>The process's command name (/proc/PID/comm), or "gone".</summary>
    private static string Command(int id)
    {
        try
        {
            return File.ReadAllText($"/proc/{id}/comm").Trim();
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
            process.WaitForExit(Bounded.Limit);
        }
        catch (InvalidOperationException)
        {
            // It exited already.
        }
        finally
        {
            process.Dispose();
        }
    }

    private bool IsZombie() => State() == "Z";
}
