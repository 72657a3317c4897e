using System.Diagnostics;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// The job folder's clean-up command, run with this machine's sh against a home of its own: what the command does on
/// a host, without SSH in between.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RemoteJobFolderTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-jobfolder-").FullName;
    private readonly RemoteJobFolder _folder = new("clean-0123abcd", 0);
    private readonly List<Process> _started = [];

    private string JobFolder => Path.Combine(_home, ".dstack-runs", _folder.RunFolder, "job-0");

    public void Dispose()
    {
        foreach (var process in _started.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
        }

        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Remove_WhileTheSupervisorStillWritesIntoTheFolder_EndsItAndRemovesTheJobAndRunFolders()
    {
        Directory.CreateDirectory(JobFolder);
        // A supervisor that writes into its folder without a pause: rm -rf alone walks the folder while files appear.
        await File.WriteAllTextAsync(Path.Combine(JobFolder, "supervise.sh"), "d=$(dirname \"$0\"); n=0; while :; do n=$((n+1)); : > \"$d/exit.$((n % 50))\" 2>/dev/null; done\n");
        var supervisor = Start("sh", Path.Combine(JobFolder, "supervise.sh"));
        await File.WriteAllTextAsync(Path.Combine(JobFolder, "supervisor.pid"), supervisor.Id + "\n");
        await WaitForAsync(() => Directory.GetFiles(JobFolder, "exit.*").Length > 10);

        var code = await RunAsync(_folder.RemoveCommand());

        Assert.Equal(0, code);
        Assert.True(supervisor.WaitForExit(5000), "the supervisor still runs after the clean-up");
        Assert.False(Directory.Exists(JobFolder), string.Join(", ", Directory.Exists(JobFolder) ? Directory.GetFileSystemEntries(JobFolder) : []));
        Assert.False(Directory.Exists(Path.GetDirectoryName(JobFolder)), "the run's folder is left though its only job's folder is gone");
    }

    [Fact]
    public async Task Remove_WhenThePidFileNamesAnotherProgram_LeavesThatProcessAlone()
    {
        Directory.CreateDirectory(JobFolder);
        // The supervisor ended long ago and its process id went to another program.
        var other = Start("sleep", "30");
        await File.WriteAllTextAsync(Path.Combine(JobFolder, "supervisor.pid"), other.Id + "\n");

        var code = await RunAsync(_folder.RemoveCommand());

        Assert.Equal(0, code);
        Assert.False(Directory.Exists(JobFolder));
        Assert.False(other.HasExited, "a process that is not the job's supervisor was killed");
    }

    [Fact]
    public async Task Remove_WhenThePidFileNamesAnotherJobsSupervisor_LeavesItAlone()
    {
        Directory.CreateDirectory(JobFolder);
        var otherJob = Directory.CreateDirectory(Path.Combine(_home, ".dstack-runs", "other-89abcdef", "job-0")).FullName;
        await File.WriteAllTextAsync(Path.Combine(otherJob, "supervise.sh"), "sleep 30\n");
        var other = Start("sh", Path.Combine(otherJob, "supervise.sh"));
        await File.WriteAllTextAsync(Path.Combine(JobFolder, "supervisor.pid"), other.Id + "\n");

        var code = await RunAsync(_folder.RemoveCommand());

        Assert.Equal(0, code);
        Assert.False(Directory.Exists(JobFolder));
        Assert.False(other.HasExited, "another job's supervisor was killed");
    }

    [Fact]
    public async Task Remove_KeepsTheRunFolder_WhileAnotherJobsFolderIsInIt()
    {
        Directory.CreateDirectory(JobFolder);
        var other = Path.Combine(_home, ".dstack-runs", _folder.RunFolder, "job-1");
        Directory.CreateDirectory(other);

        var code = await RunAsync(_folder.RemoveCommand());

        Assert.Equal(0, code);
        Assert.False(Directory.Exists(JobFolder));
        Assert.True(Directory.Exists(other));
    }

    [PrivateMountFact]
    public async Task Remove_AFolderThatCannotBeRemoved_SaysSoOnItsLastLine_AndOneThatCanSaysNothing()
    {
        Directory.CreateDirectory(Path.Combine(JobFolder, "held"));
        await File.WriteAllTextAsync(Path.Combine(JobFolder, "stdout"), "x\n");

        // A mount point inside the folder (in a mount namespace of the test's own): rm -rf cannot remove it (EBUSY).
        // What is bound there is an empty folder of the test's own: rm -rf goes into a mount point and deletes what it
        // holds, so it must be nothing that matters.
        var empty = Directory.CreateDirectory(Path.Combine(_home, "empty")).FullName;
        var (heldCode, heldOutput) = await RunWithOutputAsync($"mount --bind {Quote(empty)} {Quote(Path.Combine(JobFolder, "held"))} && {_folder.RemoveCommand()}", privateMounts: true);
        var (code, output) = await RunWithOutputAsync(_folder.RemoveCommand());

        Assert.Equal(0, heldCode);
        Assert.Equal(RemoteJobFolder.LeftLine, heldOutput.Trim());
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, output);
        Assert.False(Directory.Exists(JobFolder), "removed once nothing holds it");
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task<(int Code, string Output)> RunWithOutputAsync(string command, bool privateMounts = false)
    {
        var start = new ProcessStartInfo(privateMounts ? "unshare" : "sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (privateMounts)
        {
            start.ArgumentList.Add("-m");
            start.ArgumentList.Add("--propagation");
            start.ArgumentList.Add("private");
            start.ArgumentList.Add("sh");
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["HOME"] = _home;
        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, await error);
        return (process.ExitCode, await output);
    }

    private Process Start(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        var process = Process.Start(start)!;
        _started.Add(process);
        return process;
    }

    private async Task<int> RunAsync(string command)
    {
        var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["HOME"] = _home;
        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the condition did not hold within 5 s");
    }
}
