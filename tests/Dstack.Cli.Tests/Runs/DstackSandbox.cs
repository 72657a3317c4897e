using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// A project folder and a private $DSTACK_HOME for end-to-end runs of the real <c>dstack</c> program. Disposing
/// kills whatever a failed test left running (jobs and controllers) and deletes both folders.
/// </summary>
public sealed class DstackSandbox : IDisposable
{
    /// <summary>
    /// The dstack program the end-to-end tests run: the apphost built beside the tests, or the program that
    /// DSTACK_TEST_CLI names (scripts/test.sh names the native build to run these tests against it too).
    /// </summary>
    public static readonly string Apphost = System.Environment.GetEnvironmentVariable("DSTACK_TEST_CLI") is { Length: > 0 } cli
        ? cli
        : Path.Combine(AppContext.BaseDirectory, "dstack");

    private readonly TempFolder _folder = new();
    private readonly List<DstackProcess> _processes = [];

    public DstackSandbox()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Project);
        Directory.CreateDirectory(Tools);
    }

    public string Home => Path.Combine(_folder.Path, "home");

    public string Project => Path.Combine(_folder.Path, "project");

    /// <summary>A folder outside the project (so never copied into a run) for the tests' own scripts and markers.</summary>
    public string Tools => Path.Combine(_folder.Path, "tools");

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="sshd"/> (a real sshd on 127.0.0.1) the only host of the pool, named <paramref name="name"/>.</summary>
    public void UseSshHost(Dstack.Runtime.Tests.Ssh.LoopbackSshd sshd, string name = "lo") => File.WriteAllLines(Path.Combine(Home, "config.yml"),
        ["ssh_hosts:", $"  - name: {name}", $"    user: {Dstack.Runtime.Tests.Ssh.LoopbackSshd.User}", "    host: 127.0.0.1", $"    port: {sshd.Port}", $"    identity_file: {sshd.ClientKey}"]);

    public string Write(string relative, string text)
    {
        var full = Path.Combine(Project, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public DstackProcess Start(params string[] args)
    {
        Assert.True(File.Exists(Apphost), $"{Apphost} is missing: the test project must reference Dstack.Cli");
        return StartProgram(Apphost, args);
    }

    /// <summary>Starts another program (one that starts dstack itself) in the project folder with the sandbox's environment.</summary>
    public DstackProcess StartProgram(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Project,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DSTACK_HOME"] = Home;
        start.Environment.Remove("NO_COLOR");
        start.Environment.Remove("DSTACK_PROFILE");
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        var process = new DstackProcess(Process.Start(start)!);
        _processes.Add(process);
        return process;
    }

    public async Task<DstackResult> RunAsync(params string[] args)
    {
        var process = Start(args);
        return await process.WaitAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary><c>dstack ps -a --json</c>, parsed.</summary>
    public async Task<JsonElement> RunsAsync()
    {
        var result = await RunAsync("ps", "-a", "--json");
        Assert.True(result.Code == 0, result.ToString());
        return JsonDocument.Parse(result.Output).RootElement.GetProperty("runs").Clone();
    }

    public async Task<JsonElement> RunRecordAsync(string name) =>
        (await RunsAsync()).EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    /// <summary>Runs <c>dstack logs</c> until its output contains <paramref name="text"/>; fails the test after <paramref name="limit"/>.</summary>
    public async Task<string> WaitForLogsAsync(string runName, string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var logs = await RunAsync("logs", runName);
            if ((logs.Output + logs.Error).Contains(text, StringComparison.Ordinal))
            {
                return logs.Output;
            }

            Assert.True(DateTime.UtcNow < deadline, $"'{text}' did not appear in the logs of {runName} within {limit.TotalSeconds} s.\n{logs}");
            await Task.Delay(100);
        }
    }

    /// <summary>The run's record as the controller keeps it (with what <c>dstack ps</c> does not show, like the controller's pid).</summary>
    public RunRecord? FindRun(string name) => StateStore.Open(new DstackHome(Home)).FindRun(name);

    /// <summary>
    /// Every process whose environment says it belongs to <paramref name="runName"/> of this sandbox's project (jobs
    /// and all they started). The project's repo id is matched too, so a run of the same name elsewhere on the machine
    /// (another test run, someone's own dstack) is not counted.
    /// </summary>
    public IReadOnlyList<int> JobProcesses(string runName)
    {
        var name = $"\0DSTACK_RUN_NAME={runName}\0";
        var repo = $"\0DSTACK_REPO_ID={JobEnvironment.RepoId(Project)}\0";
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                var environment = "\0" + File.ReadAllText(Path.Combine(folder, "environ"));
                if (environment.Contains(name, StringComparison.Ordinal) && environment.Contains(repo, StringComparison.Ordinal))
                {
                    if (!File.ReadAllText(Path.Combine(folder, "stat")).Contains(") Z ", StringComparison.Ordinal))
                    {
                        found.Add(pid);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits (bounded) until no process of the run is left; returns what is still there.</summary>
    public async Task<IReadOnlyList<int>> WaitForNoJobProcessesAsync(string runName, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var left = JobProcesses(runName);
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Kill();
        }

        try
        {
            var store = StateStore.Open(new DstackHome(Home));
            foreach (var run in store.ListRuns(all: false))
            {
                if (run.ControllerPid is { } controller)
                {
                    Signals.SignalProcess(controller, Signals.Kill);
                }

                foreach (var job in store.ListJobs(run.Id))
                {
                    if (job.Pid is { } pid)
                    {
                        Signals.SignalGroup(pid, Signals.Kill);
                    }
                }
            }
        }
        catch (StateException)
        {
        }

        _folder.Dispose();
    }
}
