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

        // DSTACK_TEST_LANGUAGE_SERVER names another server program (scripts/test.sh names the native build); by default
        // the portable server built beside these tests.
        var native = Environment.GetEnvironmentVariable("DSTACK_TEST_LANGUAGE_SERVER") is { Length: > 0 } named ? named : null;
        var server = native is not null ? native : ServerProcess.ServerDll;
        if (!File.Exists(server))
        {
            _failure = native is not null
                ? $"{native} (DSTACK_TEST_LANGUAGE_SERVER) is missing: run `bash scripts/publish-native.sh` first"
                : $"{ServerProcess.ServerDll} is missing: build the test project first";
            return;
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] command = native is not null ? [native, "--stdio"] : ["dotnet", ServerProcess.ServerDll, "--stdio"];
        foreach (var arg in (string[])[Path.Combine(ScriptFolder, "drive.mjs"), "--", .. command])
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
