using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>
/// A real workflow run on the local backend (<c>dstack run WORKFLOW</c>) whose artifacts the controller saved, then
/// listed, downloaded (byte-identical, links as links, checked against the recorded hash), tagged and shown by ps.
/// </summary>
[Collection(RunCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WorkflowArtifactsEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task WorkflowRun_ArtifactsListedDownloadedTaggedAndShownByPs()
    {
        _sandbox.Write(".dstack/workflows/main.yaml", """
            workflows:
              - name: make
                commands:
                  - mkdir -p out/sub
                  - head -c 200000 /dev/urandom > out/model.bin
                  - echo hello > out/sub/a.txt && chmod 640 out/sub/a.txt
                  - ln -s model.bin out/latest
                artifacts:
                  - path: ./out
            """);

        var run = await _sandbox.RunAsync("run", "make", "-y", "-n", "made-1");
        Assert.True(run.Code == 0, run.ToString());

        var list = await _sandbox.RunAsync("artifacts", "list", "made-1");
        var into = Path.Combine(_sandbox.Tools, "into");
        var download = await _sandbox.RunAsync("artifacts", "download", "made-1", "-o", into);
        var tag = await _sandbox.RunAsync("tags", "add", "v1", "made-1");
        var ps = await _sandbox.RunAsync("ps", "-a");

        Assert.True(list.Code == 0, list.ToString());
        Assert.Equal(["out", "3", "195.3", "KB"], list.Output.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(download.Code == 0, download.ToString());
        Assert.Contains("Checked out: the copy matches the hash recorded when made-1 saved it", download.Output, StringComparison.Ordinal);
        var saved = Path.Combine(_sandbox.Home, "artifacts", "made-1", "out");
        Assert.Equal(File.ReadAllBytes(Path.Combine(saved, "model.bin")), File.ReadAllBytes(Path.Combine(into, "out", "model.bin")));
        Assert.Equal(200_000, new FileInfo(Path.Combine(into, "out", "model.bin")).Length);
        Assert.Equal("model.bin", new FileInfo(Path.Combine(into, "out", "latest")).LinkTarget);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(into, "out", "sub", "a.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(into, "out", "sub", "a.txt")));
        Assert.True(tag.Code == 0, tag.ToString());
        Assert.Equal(["RUN", "WORKFLOW", "CONFIGURATION", "BACKEND", "REGION", "STATUS", "TAG", "SUBMITTED", "EXIT", "REASON"], ps.Output.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("made-1 make ", string.Join(' ', ps.Output.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Contains(" done v1 ", string.Join(' ', ps.Output.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
