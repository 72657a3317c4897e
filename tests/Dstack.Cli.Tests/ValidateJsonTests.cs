using System.Text.Json;

namespace Dstack.Cli.Tests;

/// <summary>The JSON contract of <c>dstack validate --format json</c> (DESIGN.md).</summary>
[Trait("Category", "Fast")]
public sealed class ValidateJsonTests
{
    private const string BadTask = "type: task\ncommands:\n  - echo hi\nresources:\n  memory: 80GB..40GB\n";

    [Fact]
    public async Task ValidateJson_FileWithError_FollowsTheContract()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.dstack.yml", BadTask);

        var result = await Cli.RunAsync("validate", file, "--format", "json");

        Assert.Equal(DstackCommandLine.ProblemsFound, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var files = json.RootElement.GetProperty("files");
        Assert.Equal(JsonValueKind.Array, files.ValueKind);
        var entry = Assert.Single(files.EnumerateArray());
        Assert.Equal(file, entry.GetProperty("path").GetString());
        Assert.False(entry.GetProperty("valid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("configuration").ValueKind);
        var diagnostic = Assert.Single(entry.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(
            ["code", "severity", "message", "path", "line", "column", "endLine", "endColumn"],
            diagnostic.EnumerateObject().Select(p => p.Name));
        Assert.Equal("DSTK2003", diagnostic.GetProperty("code").GetString());
        Assert.Equal("error", diagnostic.GetProperty("severity").GetString());
        Assert.Contains("Invalid range order: 80GB..40GB", diagnostic.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(file, diagnostic.GetProperty("path").GetString());
        Assert.Equal(5, diagnostic.GetProperty("line").GetInt32());
        Assert.Equal(11, diagnostic.GetProperty("column").GetInt32());
        Assert.Equal(5, diagnostic.GetProperty("endLine").GetInt32());
        Assert.Equal(21, diagnostic.GetProperty("endColumn").GetInt32());
    }

    [Fact]
    public async Task ValidateJson_ValidFile_HasTheNormalizedConfiguration()
    {
        using var folder = new TempFolder();
        var file = folder.Write("web.dstack.yml", """
            type: task
            name: web
            python: 3.10
            env:
              - GREETING=hi
              - TOKEN
            commands:
              - python3 -m http.server 8000
            ports:
              - 8000
              - "3000:80"
              - "*:9000"
              - container_port: 7000
            max_duration: 1h
            idle_duration: off
            volumes:
              - data:/data
              - /mnt/x:/x
            """);

        var result = await Cli.RunAsync("validate", file, "--format", "json");

        Assert.True(result.ExitCode == DstackCommandLine.Success, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var entry = json.RootElement.GetProperty("files")[0];
        Assert.True(entry.GetProperty("valid").GetBoolean());
        Assert.Empty(entry.GetProperty("diagnostics").EnumerateArray());
        var configuration = entry.GetProperty("configuration");
        Assert.Equal("task", configuration.GetProperty("type").GetString());
        Assert.Equal("web", configuration.GetProperty("name").GetString());
        Assert.Equal("3.10", configuration.GetProperty("python").GetString());
        Assert.Equal(3600, configuration.GetProperty("max_duration").GetInt32());
        Assert.Equal("off", configuration.GetProperty("idle_duration").GetString());
        Assert.Equal(1, configuration.GetProperty("nodes").GetInt32());
        ResourcesJsonTests.AssertJsonEqual("""{"GREETING": "hi", "TOKEN": null}""", System.Text.Json.Nodes.JsonNode.Parse(configuration.GetProperty("env").GetRawText()));
        ResourcesJsonTests.AssertJsonEqual(
            """[{"local_port": 8000, "container_port": 8000}, {"local_port": 3000, "container_port": 80}, {"local_port": null, "container_port": 9000}, {"local_port": null, "container_port": 7000}]""",
            System.Text.Json.Nodes.JsonNode.Parse(configuration.GetProperty("ports").GetRawText()));
        ResourcesJsonTests.AssertJsonEqual(
            """[{"name": "data", "path": "/data"}, {"instance_path": "/mnt/x", "path": "/x", "optional": false}]""",
            System.Text.Json.Nodes.JsonNode.Parse(configuration.GetProperty("volumes").GetRawText()));
    }

    [Fact]
    public async Task ValidateJson_EnvValues_AreKeptAsWritten()
    {
        using var folder = new TempFolder();
        var file = folder.Write("env.dstack.yml", "type: task\ncommands:\n  - echo hi\nenv:\n  A: true\n  B: 1.0\n  C: 0x10\n  D:\n");

        var result = await Cli.RunAsync("validate", file, "--format", "json");

        using var json = JsonDocument.Parse(result.Output);
        ResourcesJsonTests.AssertJsonEqual(
            """{"A": "true", "B": "1.0", "C": "0x10", "D": null}""",
            System.Text.Json.Nodes.JsonNode.Parse(json.RootElement.GetProperty("files")[0].GetProperty("configuration").GetProperty("env").GetRawText()));
    }

    [Fact]
    public async Task ValidateJson_LiteralRegistryPassword_IsMasked()
    {
        using var folder = new TempFolder();
        var file = folder.Write("auth.dstack.yml", "type: task\nimage: ghcr.io/me/app\nregistry_auth:\n  username: me\n  password: hunter2-secret\n");

        var result = await Cli.RunAsync("validate", file, "--format", "json");

        Assert.DoesNotContain("hunter2-secret", result.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Output);
        var auth = json.RootElement.GetProperty("files")[0].GetProperty("configuration").GetProperty("registry_auth");
        Assert.Equal("me", auth.GetProperty("username").GetString());
        Assert.NotEqual("hunter2-secret", auth.GetProperty("password").GetString());
    }

    [Fact]
    public async Task ValidateJson_MissingPath_IsAnInvalidEntryWithACode()
    {
        using var folder = new TempFolder();
        var missing = Path.Combine(folder.Path, "nope.dstack.yml");

        var result = await Cli.RunAsync("validate", missing, "--format", "json");

        Assert.Equal(DstackCommandLine.UsageError, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var entry = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.False(entry.GetProperty("valid").GetBoolean());
        Assert.Equal("DSTK0001", entry.GetProperty("diagnostics")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task ValidateJson_Warning_KeepsTheFileValid()
    {
        using var folder = new TempFolder();
        var file = folder.Write("warn.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  gpu: 4090\n");

        var result = await Cli.RunAsync("validate", file, "--format", "json");

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var entry = json.RootElement.GetProperty("files")[0];
        Assert.True(entry.GetProperty("valid").GetBoolean());
        var warning = Assert.Single(entry.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("warning", warning.GetProperty("severity").GetString());
        Assert.Equal("DSTK2011", warning.GetProperty("code").GetString());
        Assert.NotEqual(JsonValueKind.Null, entry.GetProperty("configuration").ValueKind);
    }
}
