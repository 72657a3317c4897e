using System.Diagnostics;
using System.Text.Json;

namespace Dstack.Tasks.Tests;

/// <summary>
/// A fresh, empty DSTACK_HOME, so that the tests' runs never touch ~/.dstack. The tasks hand the CLI this process's
/// environment, so the variable is set for the whole process while the <see cref="LocalRunsCollection"/> runs, and
/// put back on dispose. A run a failed test left going is aborted on dispose, so no job outlives the tests.
/// </summary>
public sealed class IsolatedDstackHome : IDisposable
{
    private const string Variable = "DSTACK_HOME";
    private static readonly TimeSpan CliLimit = TimeSpan.FromMinutes(1);

    private readonly string? _previous = Environment.GetEnvironmentVariable(Variable);
    private readonly TempFolder _folder = new();

    public IsolatedDstackHome()
    {
        Environment.SetEnvironmentVariable(Variable, _folder.Path);
    }

    /// <summary>The run with this name as <c>dstack ps -a --json</c> shows it; null when there is none.</summary>
    public RunState? FindRun(string name) => Runs(all: true).SingleOrDefault(r => r.Name == name);

    public void Dispose()
    {
        try
        {
            foreach (var run in Runs(all: false))
            {
                Cli("stop", run.Name, "-x", "-y");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, _previous);
            _folder.Dispose();
        }
    }

    private List<RunState> Runs(bool all)
    {
        var json = Cli(all ? ["ps", "-a", "--json"] : ["ps", "--json"]);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("runs").EnumerateArray().Select(run => new RunState(
            run.GetProperty("name").GetString()!,
            run.GetProperty("status").GetString()!,
            run.GetProperty("reason").GetString(),
            [.. run.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("pid")).Where(pid => pid.ValueKind == JsonValueKind.Number).Select(pid => pid.GetInt32())]))];
    }

    /// <summary>Runs the CLI on this home and returns its standard output; throws when it fails or hangs.</summary>
    private string Cli(params string[] arguments)
    {
        var start = new ProcessStartInfo(CliCommand.Program(TestPaths.CliDll))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in CliCommand.Prefix(TestPaths.CliDll).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[Variable] = _folder.Path;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CliLimit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dstack {string.Join(' ', arguments)} ran past {CliLimit}");
        }

        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"dstack {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result}{error.Result}");
    }
}
