using System.Diagnostics;
using System.Net.Sockets;

namespace Dstack.Runtime.Tests.Snapshots;

/// <summary>A fresh folder under the system temp folder for one test, with helpers to fill it and run real git; deleted on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public TempTree()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dstack-snapshot-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Writes <paramref name="text"/> to <paramref name="relative"/>, creating folders, and returns the full path.</summary>
    public string Write(string relative, string text = "x")
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Link(string relative, string linkTarget)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.CreateSymbolicLink(full, linkTarget);
    }

    /// <summary>A real named pipe (mkfifo) at <paramref name="relative"/>: opening it for reading waits for a writer.</summary>
    public string MakeFifo(string relative)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        Run("mkfifo", full);
        return full;
    }

    /// <summary>A real unix socket file at <paramref name="relative"/>, bound and kept by the returned socket (dispose it).</summary>
    public Socket BindSocket(string relative)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(full));
        return socket;
    }

    /// <summary>
    /// Releases whatever is blocked reading the FIFO <paramref name="full"/> (a failed test's copy): opens it for
    /// writing, which a blocked reader lets through, and closes it at once; does nothing when no reader waits.
    /// </summary>
    public static void ReleaseFifoReader(string full)
    {
        var writer = Task.Run(() =>
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Write);
        });
        if (!writer.Wait(TimeSpan.FromSeconds(1)))
        {
            // No reader: the writer now waits; give it one so that it ends too.
            using var reader = new FileStream(full, FileMode.Open, FileAccess.Read);
            writer.Wait(TimeSpan.FromSeconds(5));
        }
    }

    public void MakeExecutable(string relative)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path(relative), File.GetUnixFileMode(Path(relative)) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>The permission bits of <paramref name="full"/> (none on Windows, where these tests do not run).</summary>
    public static UnixFileMode ModeOf(string full) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(full);

    /// <summary><c>git init -q</c> here (or in <paramref name="relative"/>) with a local user name and e-mail.</summary>
    public void InitGit(string relative = "")
    {
        var folder = Path(relative);
        Directory.CreateDirectory(folder);
        Git(folder, "init", "-q");
        Git(folder, "config", "user.name", "Snapshot Tests");
        Git(folder, "config", "user.email", "snapshot-tests@example.invalid");
    }

    public void Commit(string relative = "")
    {
        Git(Path(relative), "add", "-A");
        Git(Path(relative), "commit", "-q", "-m", "test");
    }

    public void Git(params string[] arguments) => Git(Root, arguments);

    /// <summary>Every file and link below <paramref name="folder"/> (relative, '/'-separated, sorted ordinal), not following links.</summary>
    public static List<string> FilesIn(string folder)
    {
        var found = new List<string>();
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder)]);
        while (pending.TryPop(out var current))
        {
            foreach (var entry in current.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory && entry.LinkTarget is null)
                {
                    pending.Push(directory);
                }
                else
                {
                    found.Add(System.IO.Path.GetRelativePath(folder, entry.FullName).Replace('\\', '/'));
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with <paramref name="what"/> after 10 s.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < Deadline, $"timed out after {Deadline.TotalSeconds:0} s waiting for: {what}");
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {error}");
    }

    private static void Git(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        output.Wait();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)} failed: {error}");
    }
}
