using Dstack.Cli.Tests.Containers;
using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>
/// Workflows on an SSH host (a real sshd on 127.0.0.1, shared by the class) through the real <c>dstack</c> program: the
/// cache goes to the host through the upload and comes back through the download, the artifacts come back
/// byte-identical; a docker-provider workflow's <c>~/.cache/x</c> is a bind mount from the working copy's
/// .dstack/paths, restored and saved the same way; nothing is left on the host.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class WorkflowSshEndToEndTests : IClassFixture<SharedSshd>, IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly DstackSandbox _sandbox = new();

    /// <summary>When the test began: a host folder older than this was left by an earlier test session (RemoteRunFolders).</summary>
    private readonly DateTime _started = DateTime.UtcNow;

    private readonly string _name = "ws-" + Guid.NewGuid().ToString("N")[..10];

    public WorkflowSshEndToEndTests(SharedSshd sshd)
    {
        _sandbox.UseSshHost(sshd.Server);
    }

    public void Dispose()
    {
        _sandbox.Dispose();
        if (DockerFactAttribute.Available)
        {
            EngineState.RemoveContainers(_name + "-a");
            EngineState.RemoveContainers(_name + "-b");
        }
    }

    [Fact]
    public async Task Run_Twice_OnAnSshHost_TheSecondGetsTheCacheThroughTheUpload_AndTheArtifactsComeBackByteIdentical()
    {
        _sandbox.Write(".dstack/workflows/remote.yaml", """
            workflows:
              - name: remote
                commands:
                  - mkdir -p data out
                  - if [ -f data/model.bin ]; then echo "cache hit=$(cat data/model.bin)"; else echo "cache miss"; printf 'expensive result\n' > data/model.bin; fi
                  - printf 'run %s on %s\n' "$DSTACK_RUN_NAME" "$(cat data/model.bin)" > out/result.txt
                  - mkdir -p "two words" && printf "it's \$1\n" > "two words/a b.txt"
                cache:
                  - path: data
                artifacts:
                  - path: out
                  - path: never-written
                  - path: two words
            """);

        var first = await _sandbox.Start("run", "remote", "-b", "ssh", "-n", _name + "-a", "-y").WaitAsync(Limit);
        var second = await _sandbox.Start("run", "remote", "-b", "ssh", "-n", _name + "-b", "-y").WaitAsync(Limit);

        Assert.True(first.Code == 0, first.ToString());
        Assert.Contains("cache miss\n", first.Output, StringComparison.Ordinal);
        Assert.Matches("dstack: cache data: saved: 1 file copied", first.Error);
        Assert.True(second.Code == 0, second.ToString());
        Assert.Matches(@"dstack: cache data: restored to lo in [0-9.]+ s", second.Error);
        Assert.Contains("dstack: warning: artifact never-written: no such file or folder when the job ended; nothing saved", second.Error, StringComparison.Ordinal);
        Assert.Contains("cache hit=expensive result\n", second.Output, StringComparison.Ordinal);
        Assert.Equal("ssh (lo)", (await _sandbox.RunRecordAsync(_name + "-b")).GetProperty("backend").GetString());
        WorkflowRuns.AssertSaved(_sandbox, _name + "-a", "out", new Dictionary<string, string> { ["result.txt"] = $"run {_name}-a on expensive result\n" });
        WorkflowRuns.AssertSaved(_sandbox, _name + "-b", "out", new Dictionary<string, string> { ["result.txt"] = $"run {_name}-b on expensive result\n" });
        WorkflowRuns.AssertSaved(_sandbox, _name + "-b", "two words", new Dictionary<string, string> { ["a b.txt"] = "it's $1\n" });
        Assert.Empty(RemoteRunFolders.Of(_name, _started));
        Assert.Empty(Directory.Exists(Path.Combine(_sandbox.Home, "cache", "downloads")) ? Directory.GetFileSystemEntries(Path.Combine(_sandbox.Home, "cache", "downloads")) : []);
    }

    [Fact]
    public async Task Run_Twice_WithAHomeCacheTheHostKeeps_TheSecondRestoreSendsNothingAndStillWorks()
    {
        // The host's home outlives the runs (here it is this machine's own home: a folder of the test's, removed after).
        var folder = ".dstack-e2e-" + _name;
        var onHost = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), folder);
        _sandbox.Write(".dstack/workflows/home.yaml", $$"""
            workflows:
              - name: home
                commands:
                  - if [ -f ~/{{folder}}/w.txt ]; then echo "kept=$(cat ~/{{folder}}/w.txt)"; else mkdir -p ~/{{folder}} && printf 'warm\n' > ~/{{folder}}/w.txt; fi
                cache:
                  - path: ~/{{folder}}
            """);
        try
        {
            var first = await _sandbox.Start("run", "home", "-b", "ssh", "-n", _name + "-a", "-y").WaitAsync(Limit);
            var second = await _sandbox.Start("run", "home", "-b", "ssh", "-n", _name + "-b", "-y").WaitAsync(Limit);

            Assert.True(first.Code == 0, first.ToString());
            Assert.True(second.Code == 0, second.ToString());
            Assert.Matches($@"dstack: cache ~/{System.Text.RegularExpressions.Regex.Escape(folder)}: restored to lo in [0-9.]+ s", second.Error);
            Assert.Contains("kept=warm\n", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(onHost))
            {
                Directory.Delete(onHost, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Deps_OnAnSshHost_TheArtifactIsUploadedReadOnly_AndTheSavedOneStaysAsItWas()
    {
        _sandbox.Write(".dstack/workflows/pair.yaml", """
            workflows:
              - name: make
                commands:
                  - mkdir -p model/sub
                  - printf 'remote weights\n' > model/sub/w.txt
                artifacts:
                  - path: model
              - name: use
                deps:
                  - workflow: make
                commands:
                  - cat model/sub/w.txt
                  - stat -c 'mode %A' model/sub/w.txt
                  - echo changed >> model/sub/w.txt || true
            """);

        var make = await _sandbox.Start("run", "make", "-b", "ssh", "-n", _name + "-a", "-y").WaitAsync(Limit);
        var use = await _sandbox.Start("run", "use", "-b", "ssh", "-n", _name + "-b", "-y").WaitAsync(Limit);

        Assert.True(make.Code == 0, make.ToString());
        Assert.True(use.Code == 0, use.ToString());
        Assert.True(use.Output.Contains("remote weights\nmode -r--r--r--\n", StringComparison.Ordinal), use.ToString());
        var saved = WorkflowRuns.AssertSaved(_sandbox, _name + "-a", "model", new Dictionary<string, string> { ["sub/w.txt"] = "remote weights\n" });

        // The job on the host wrote with the login's umask (022 here), as a local job does: the artifact is not owner-only.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path.Combine(saved, "sub", "w.txt")));
        }

        Assert.Empty(RemoteRunFolders.Of(_name, _started));
    }

    [Fact]
    public async Task Stop_ADetachedWorkflowOnAnSshHost_DownloadsTheArtifactWrittenBefore_AndLeavesNothingThere()
    {
        _sandbox.Write(".dstack/workflows/long.yaml", """
            workflows:
              - name: long
                commands:
                  - mkdir -p out
                  - printf 'written on the host before the stop\n' > out/early.txt
                  - echo written
                  - sleep 300
                artifacts:
                  - path: out
            """);

        var submit = await _sandbox.Start("run", "long", "-b", "ssh", "-n", _name + "-a", "-y", "-d").WaitAsync(Limit);
        Assert.True(submit.Code == 0, submit.ToString());
        await _sandbox.WaitForLogsAsync(_name + "-a", "written", Limit);

        var stop = await _sandbox.Start("stop", _name + "-a", "-y").WaitAsync(Limit);

        Assert.True(stop.Code == 0, stop.ToString());
        WorkflowRuns.AssertSaved(_sandbox, _name + "-a", "out", new Dictionary<string, string> { ["early.txt"] = "written on the host before the stop\n" });
        Assert.Empty(RemoteRunFolders.Of(_name, _started));
    }

    [DockerFact]
    public async Task Run_DockerProviderOnAnSshHost_CachesAHomePathThroughABindMountFromDstackPaths()
    {
        _sandbox.Write(".dstack/workflows/boxed.yaml", $"""
            workflows:
              - name: boxed
                provider: docker
                image: {DockerFactAttribute.Image}
                commands:
                  - grep -q ' /root/.cache/x ' /proc/self/mountinfo && echo "bind mount at /root/.cache/x"
                  - if [ -f ~/.cache/x/weights ]; then echo "found=$(cat ~/.cache/x/weights)"; else echo missing; printf 'cached in a container\n' > ~/.cache/x/weights; fi
                  - mkdir -p out && cp ~/.cache/x/weights out/copy.txt
                cache:
                  - path: ~/.cache/x
                artifacts:
                  - path: out
            """);

        var first = await _sandbox.Start("run", "boxed", "-b", "ssh", "-n", _name + "-a", "-y").WaitAsync(Limit);
        var second = await _sandbox.Start("run", "boxed", "-b", "ssh", "-n", _name + "-b", "-y").WaitAsync(Limit);

        Assert.True(first.Code == 0, first.ToString());
        Assert.Contains("bind mount at /root/.cache/x\n", first.Output, StringComparison.Ordinal);
        Assert.Contains("missing\n", first.Output, StringComparison.Ordinal);
        Assert.Contains($"in a container of {DockerFactAttribute.Image} on lo", first.Error, StringComparison.Ordinal);
        Assert.True(second.Code == 0, second.ToString());
        Assert.Matches(@"dstack: cache ~/\.cache/x: restored to lo in [0-9.]+ s", second.Error);
        Assert.Contains("found=cached in a container\n", second.Output, StringComparison.Ordinal);
        WorkflowRuns.AssertSaved(_sandbox, _name + "-b", "out", new Dictionary<string, string> { ["copy.txt"] = "cached in a container\n" });
        Assert.Empty(EngineState.Containers(_name + "-a"));
        Assert.Empty(EngineState.Containers(_name + "-b"));
        Assert.Empty(RemoteRunFolders.Of(_name, _started));
    }
}
