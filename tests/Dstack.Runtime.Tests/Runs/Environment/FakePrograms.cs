using System.Diagnostics;

namespace Dstack.Runtime.Tests.Runs.Environment;

/// <summary>Temp folders of small executable shell scripts standing in for python and docker.</summary>
internal sealed class FakePrograms : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dstack-fake-");

    public string Root => _root.FullName;

    /// <summary>A new empty folder under the root, to use as a PATH entry.</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <summary>
    /// Writes an executable script. A child shell writes it, not this process: a file this process had open for
    /// writing can be inherited by a process forked at that moment elsewhere in the test run, and executing it then
    /// fails with "text file busy".
    /// </summary>
    public static string Script(string folder, string name, string body)
    {
        var path = Path.Combine(folder, name);
        var start = new ProcessStartInfo("/bin/sh", ["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh", path])
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var shell = Process.Start(start)!;
        shell.StandardInput.Write("#!/bin/sh\n" + body + "\n");
        shell.StandardInput.Close();
        Assert.True(shell.WaitForExit(10_000), "writing the fake program took too long");
        Assert.Equal(0, shell.ExitCode);
        return path;
    }

    /// <summary>A fake interpreter: <c>--version</c> prints <c>Python VERSION</c> (and counts the call in <c>NAME.calls</c>); other arguments are echoed.</summary>
    public static string Python(string folder, string name, string version)
    {
        var calls = Path.Combine(folder, name + ".calls");
        return Script(folder, name, $"if [ \"$1\" = --version ]; then echo x >> '{calls}'; echo 'Python {version}'; else echo \"args: $*\"; fi");
    }

    public void Dispose() => _root.Delete(recursive: true);
}
