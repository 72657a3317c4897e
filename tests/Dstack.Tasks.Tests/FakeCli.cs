namespace Dstack.Tasks.Tests;

/// <summary>
/// A shell script in the place of the dstack CLI, for what the real one cannot be made to do on demand (a service
/// that never answers, or ends before it does): <c>run</c> prints the CLI's submitted line for
/// <see cref="RunName"/> and records its arguments; <c>ps</c> prints <c>ps.N.json</c> on its Nth call when that file
/// exists, else <c>ps.json</c>; <c>stop</c> records its arguments.
/// </summary>
public sealed class FakeCli : IDisposable
{
    private readonly TempFolder _folder = new();

    public FakeCli(string runName)
    {
        RunName = runName;
        Path = _folder.Write("dstack", $$"""
            #!/bin/sh
            d=$(dirname "$0")
            case "$1" in
              run) echo "$*" >> "$d/run.args"; if [ -f "$d/run.sleep" ]; then sleep "$(cat "$d/run.sleep")"; fi; echo "{{runName}} submitted and running in the background: dstack ps | dstack logs {{runName}} -f"; exit 0 ;;
              ps) n=$(cat "$d/ps.count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$d/ps.count"
                  if [ -f "$d/ps.$n.json" ]; then cat "$d/ps.$n.json"; else cat "$d/ps.json"; fi; exit 0 ;;
              stop) echo "$*" >> "$d/stop.args"; exit 0 ;;
            esac
            exit 2

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The name the fake's <c>run</c> says it submitted.</summary>
    public string RunName { get; }

    /// <summary>The script, for DstackCliPath.</summary>
    public string Path { get; }

    /// <summary>The arguments of each <c>run</c>, one line each.</summary>
    public string[] RunArguments => Lines("run.args");

    /// <summary>The arguments of each <c>stop</c>, one line each.</summary>
    public string[] StopArguments => Lines("stop.args");

    /// <summary>Makes <c>run</c> take this long before it says the run was submitted.</summary>
    public void DelayRun(int seconds) => _folder.Write("run.sleep", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>How many times <c>ps</c> was called.</summary>
    public int PsCalls => Lines("ps.count") is [var count] ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>What <c>ps</c> prints from its <paramref name="call"/>th call on (null: every call without its own file).</summary>
    public void SetRun(string status, string? reason, string? serviceUrl, int? call = null) =>
        _folder.Write(call is null ? "ps.json" : $"ps.{call}.json", PsJson(RunName, status, reason, serviceUrl));

    /// <summary>The JSON <c>dstack ps --json</c> prints for one run (with a second, unrelated run before it).</summary>
    public static string PsJson(string name, string status, string? reason, string? serviceUrl) =>
        $$"""
        {"runs": [
          {"name": "other-run", "status": "running", "reason": null, "service_url": "http://127.0.0.1:1/", "ide_url": null, "ssh_host": null, "jobs": []},
          {"name": "{{name}}", "status": "{{status}}", "reason": {{Quoted(reason)}}, "exit_code": null, "service_url": {{Quoted(serviceUrl)}}, "ide_url": null, "ssh_host": null, "jobs": []}
        ]}
        """;

    public void Dispose() => _folder.Dispose();

    private static string Quoted(string? value) => value is null ? "null" : $"\"{value}\"";

    private string[] Lines(string name)
    {
        var path = System.IO.Path.Combine(_folder.Path, name);
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }
}
