using System.Diagnostics;
using System.Text.Json;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>
/// One run of <c>tests/lsp-client/drive.mjs</c>: Microsoft's LSP client library (vscode-languageserver-protocol on Node)
/// driving the built server over stdio. It runs once per test class; each test reads <see cref="Report"/>, which fails
/// the test, saying what to do, when the run could not happen (no Node, no <c>npm ci</c>) or ended early.
/// </summary>
public sealed class RealClientRun : IAsyncLifetime
{
    /// <summary>The script stops itself after 90 s; this is the last resort above it.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(150);

    private string? _failure;
    private JsonElement _report;

    public static string ScriptFolder { get; } = Path.Combine(Repository.Root, "tests", "lsp-client");

    /// <summary>What the script observed: one JSON object (see drive.mjs).</summary>
    public JsonElement Report => _failure is null ? _report : throw new Xunit.Sdk.XunitException(_failure);

    public string Stderr { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!Directory.Exists(Path.Combine(ScriptFolder, "node_modules", "vscode-languageserver-protocol")))
        {
            _failure = $"{Path.Combine(ScriptFolder, "node_modules")} is missing: run `npm ci --prefix tests/lsp-client` (scripts/test.sh does) to install the LSP client these tests drive the server with";
            return;
        }

        if (!File.Exists(ServerProcess.ServerDll))
        {
            _failure = $"{ServerProcess.ServerDll} is missing: build the test project first";
            return;
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[Path.Combine(ScriptFolder, "drive.mjs"), "--", "dotnet", ServerProcess.ServerDll, "--stdio"])
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            _failure = $"could not start `node` ({e.Message}): install Node.js 20 or later (as root: apt-get install -y nodejs npm)";
            return;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(Limit);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                _failure = $"drive.mjs did not end within {Limit.TotalSeconds} s";
                return;
            }

            Stderr = await stderr;
            var output = await stdout;
            try
            {
                _report = JsonDocument.Parse(output).RootElement;
            }
            catch (JsonException e)
            {
                _failure = $"drive.mjs (exit code {process.ExitCode}) did not print one JSON object ({e.Message}); stdout:\n{output}\nstderr:\n{Stderr}";
                return;
            }

            if (!_report.GetProperty("ok").GetBoolean())
            {
                _failure = $"drive.mjs could not finish: {_report.GetProperty("error")}\nserver stderr:\n{_report.GetProperty("stderr")}\nreport:\n{output}";
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
