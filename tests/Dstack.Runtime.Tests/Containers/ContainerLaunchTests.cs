using System.Text.Json.Nodes;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Containers;

/// <summary>
/// A job becomes one container request (<see cref="ContainerLaunch.For"/>) and one engine body
/// (<see cref="ContainerRequest.ToCreateBody"/>): what goes in the body, and what never does.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ContainerLaunchTests
{
    private const string Copy = "/home/me/.dstack/runs/r1/code/job-0";

    private static readonly RunSpec Spec = new()
    {
        RunName = "r1",
        Type = "task",
        ConfigurationPath = "/repo/.dstack.yml",
        RepoRoot = "/repo",
        Script = "pip install x && python train.py",
    };

    /// <summary>What <see cref="JobEnvironment"/> gives a job: the controller's variables, dstack's, the token, the user's.</summary>
    private static Dictionary<string, string> JobVariables(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/bin:/usr/bin",
            ["HOME"] = "/home/me",
            ["DSTACK_HOME"] = "/home/me/.dstack",
            [JobProcess.TokenVariable] = "tok-123",
            ["DSTACK_RUN_NAME"] = "r1",
            ["DSTACK_NODE_RANK"] = "0",
            ["RUN_NAME"] = "r1",
            ["REPO_ID"] = "repo-1234",
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }

    [Fact]
    public void For_Job_MountsTheWorkingCopyAtWorkflow_AndRunsTheScriptThere()
    {
        var body = ContainerLaunch.For(Spec, 0, "python:3.11", Copy, JobVariables()).ToCreateBody();

        Assert.Equal("python:3.11", (string?)body["Image"]);
        Assert.Equal([$"{Copy}:/workflow"], Strings(body["HostConfig"]!["Binds"]));
        Assert.Equal("/workflow", (string?)body["WorkingDir"]);
        Assert.Null(body["Entrypoint"]);
        Assert.Equal(["/bin/sh", "-c", "trap 'exit 143' TERM; pip install x && python train.py"], Strings(body["Cmd"]));
        Assert.True((bool?)body["HostConfig"]!["Init"]);
        Assert.Equal("host", (string?)body["HostConfig"]!["NetworkMode"]);
        Assert.False((bool?)body["HostConfig"]!["Privileged"]);
        Assert.False((bool?)body["HostConfig"]!["AutoRemove"]);
        Assert.Null(body["HostConfig"]!["ShmSize"]);
        Assert.Null(body["HostConfig"]!["DeviceRequests"]);
        Assert.Null(body["User"]);
        Assert.False((bool?)body["Tty"]);
        Assert.False((bool?)body["OpenStdin"]);
    }

    [Theory]
    [InlineData(null, "/workflow")]
    [InlineData("", "/workflow")]
    [InlineData("src", "/workflow/src")]
    [InlineData("./src/app/", "/workflow/src/app")]
    [InlineData("/opt/app", "/opt/app")]
    public void For_WorkingDir_IsUnderWorkflowOrAbsolute(string? workingDir, string expected)
    {
        var request = ContainerLaunch.For(Spec with { WorkingDir = workingDir }, 0, "img", Copy, JobVariables());

        Assert.Equal(expected, (string?)request.ToCreateBody()["WorkingDir"]);
    }

    [Fact]
    public void For_Environment_ValuesInTheBody_TokenOnlyAsTheJobLabel()
    {
        var spec = Spec with { Env = [new("HF_TOKEN", null), new("EMPTY", null)] };

        var body = ContainerLaunch.For(spec, 1, "img", Copy, JobVariables(("HF_TOKEN", "hf_secret_value"), ("EMPTY", string.Empty))).ToCreateBody();

        var env = Strings(body["Env"]);
        Assert.Contains("HF_TOKEN=hf_secret_value", env);
        Assert.Contains("EMPTY=", env);
        Assert.Contains("DSTACK_RUN_NAME=r1", env);
        Assert.Contains("DSTACK_NODE_RANK=0", env);
        Assert.Contains("RUN_NAME=r1", env);
        Assert.Contains("REPO_ID=repo-1234", env);
        Assert.DoesNotContain(env, e => e.Contains("tok-123", StringComparison.Ordinal));
        Assert.DoesNotContain(env, e => e.StartsWith("DSTACK_HOME=", StringComparison.Ordinal) || e.StartsWith("PATH=", StringComparison.Ordinal) || e.StartsWith("HOME=", StringComparison.Ordinal));
        Assert.Equal("tok-123", (string?)body["Labels"]![ContainerLaunch.JobLabel]);
        Assert.Equal("r1", (string?)body["Labels"]![ContainerLaunch.RunLabel]);
        Assert.Equal("dstack-r1-1", ContainerLaunch.For(spec, 1, "img", Copy, JobVariables()).Name);
    }

    [Fact]
    public void For_StopSignal_GoesToTheJobsWholeProcessGroup_AndTheShellWaitsForItsProgram()
    {
        var body = ContainerLaunch.For(Spec, 0, "img", Copy, JobVariables()).ToCreateBody();

        Assert.Contains("TINI_KILL_PROCESS_GROUP=1", Strings(body["Env"]));
        Assert.True((bool?)body["HostConfig"]!["Init"]);
        Assert.StartsWith("trap 'exit 143' TERM; ", Strings(body["Cmd"])[2], StringComparison.Ordinal);
    }

    [Fact]
    public void For_UserSetsAVariableDstackAlsoSets_TheUsersValueIsPassed()
    {
        var spec = Spec with { Env = [new("PATH", null)] };

        var env = Strings(ContainerLaunch.For(spec, 0, "img", Copy, JobVariables(("PATH", "/opt/conda/bin:/usr/bin"))).ToCreateBody()["Env"]);

        Assert.Contains("PATH=/opt/conda/bin:/usr/bin", env);
    }

    [Fact]
    public void For_NoToken_HasNoJobLabel()
    {
        var environment = JobVariables();
        environment.Remove(JobProcess.TokenVariable);

        var labels = ContainerLaunch.For(Spec, 0, "img", Copy, environment).Labels;

        Assert.False(labels.ContainsKey(ContainerLaunch.JobLabel));
        Assert.Equal("r1", labels[ContainerLaunch.RunLabel]);
    }

    [Theory]
    [InlineData("python 'my script.py' --flag \"a b\"", new[] { "python" }, new[] { "my script.py", "--flag", "a b" })]
    [InlineData("  /bin/bash   -lc  ", new[] { "/bin/bash" }, new[] { "-lc" })]
    [InlineData("a\\ b \"q\\\"uote\" ''", new[] { "a b" }, new[] { "q\"uote", "" })]
    public void For_Entrypoint_IsSplitLikeAShell_TheScriptIsOneLastArgument(string entrypoint, string[] first, string[] rest)
    {
        var body = ContainerLaunch.For(Spec with { Entrypoint = entrypoint, Script = "echo 'a b' && exit 3" }, 0, "img", Copy, JobVariables()).ToCreateBody();

        Assert.Equal(first, Strings(body["Entrypoint"]));
        Assert.Equal([.. rest, "echo 'a b' && exit 3"], Strings(body["Cmd"]));
    }

    [Fact]
    public void For_EntrypointWithoutScript_RunsTheEntrypointAlone()
    {
        var body = ContainerLaunch.For(Spec with { Entrypoint = "/serve --port 80", Script = string.Empty }, 0, "img", Copy, JobVariables()).ToCreateBody();

        Assert.Equal(["/serve"], Strings(body["Entrypoint"]));
        Assert.Equal(["--port", "80"], Strings(body["Cmd"]));
    }

    [Fact]
    public void For_NoScriptNoEntrypoint_RunsTheImagesOwnCommand()
    {
        var body = ContainerLaunch.For(Spec with { Script = string.Empty, Entrypoint = "  " }, 0, "img", Copy, JobVariables()).ToCreateBody();

        Assert.Null(body["Entrypoint"]);
        Assert.Null(body["Cmd"]);
    }

    [Fact]
    public void For_ScriptArgument_ReplacesTheSpecsScript()
    {
        var body = ContainerLaunch.For(Spec, 0, "img", Copy, JobVariables(), script: "pip install -r requirements.txt").ToCreateBody();

        Assert.Equal(["/bin/sh", "-c", "trap 'exit 143' TERM; pip install -r requirements.txt"], Strings(body["Cmd"]));
    }

    [Fact]
    public void For_PrivilegedUserShmSize_AreInTheBody()
    {
        var spec = Spec with { Privileged = true, User = "1234:1234", ShmSize = 256L * 1024 * 1024 };

        var body = ContainerLaunch.For(spec, 0, "img", Copy, JobVariables()).ToCreateBody();

        Assert.True((bool?)body["HostConfig"]!["Privileged"]);
        Assert.Equal("1234:1234", (string?)body["User"]);
        Assert.Equal(268435456L, (long?)body["HostConfig"]!["ShmSize"]);
    }

    [Fact]
    public void For_AllocatedGpus_AreADeviceRequest_NumberedFromZeroInside()
    {
        var body = ContainerLaunch.For(Spec, 0, "img", Copy, JobVariables(("CUDA_VISIBLE_DEVICES", "2,3"))).ToCreateBody();

        var request = Assert.Single(body["HostConfig"]!["DeviceRequests"]!.AsArray())!;
        Assert.Equal("nvidia", (string?)request["Driver"]);
        Assert.Equal(["2", "3"], Strings(request["DeviceIDs"]));
        Assert.Equal("gpu", (string?)request["Capabilities"]![0]![0]);
        Assert.Contains("CUDA_VISIBLE_DEVICES=0,1", Strings(body["Env"]));
        Assert.DoesNotContain("CUDA_VISIBLE_DEVICES=2,3", Strings(body["Env"]));
    }

    [Fact]
    public void For_UserSetsCudaVisibleDevices_TheAllocatedGpusAreStillPassed_AndTheUsersValueIsKept()
    {
        var spec = Spec with
        {
            Env = [new("CUDA_VISIBLE_DEVICES", "1")],
            Placements = [Dstack.Runtime.Backends.Local.LocalBackend.ThisMachine with { Gpus = [2, 3] }],
        };

        var body = ContainerLaunch.For(spec, 0, "img", Copy, JobVariables(("CUDA_VISIBLE_DEVICES", "1"))).ToCreateBody();

        var request = Assert.Single(body["HostConfig"]!["DeviceRequests"]!.AsArray())!;
        Assert.Equal(["2", "3"], Strings(request["DeviceIDs"]));
        Assert.Contains("CUDA_VISIBLE_DEVICES=1", Strings(body["Env"]));
    }

    [Fact]
    public void For_GpuHostButNoGpusForTheJob_HidesThemAll()
    {
        var body = ContainerLaunch.For(Spec, 0, "img", Copy, JobVariables(("CUDA_VISIBLE_DEVICES", string.Empty))).ToCreateBody();

        Assert.Null(body["HostConfig"]!["DeviceRequests"]);
        Assert.Contains("CUDA_VISIBLE_DEVICES=", Strings(body["Env"]));
    }

    [Fact]
    public void For_InstanceVolumes_AreBindsBesideTheWorkingCopy()
    {
        var spec = Spec with { Mounts = [new BindMount("/mnt/data", "/data"), new BindMount("/var/cache/hf", "/root/.cache/huggingface")] };

        var binds = Strings(ContainerLaunch.For(spec, 0, "img", Copy, JobVariables()).ToCreateBody()["HostConfig"]!["Binds"]);

        Assert.Equal([$"{Copy}:/workflow", "/mnt/data:/data", "/var/cache/hf:/root/.cache/huggingface"], binds);
    }

    [Fact]
    public void For_Ports_AreExposedOnce_NotPublished()
    {
        var spec = Spec with { Ports = [new PortMapping(8000, 8000), new PortMapping(null, 6006), new PortMapping(9000, 8000)] };

        var body = ContainerLaunch.For(spec, 0, "img", Copy, JobVariables()).ToCreateBody();

        Assert.Equal(["8000/tcp", "6006/tcp"], body["ExposedPorts"]!.AsObject().Select(p => p.Key));
        Assert.Null(body["HostConfig"]!["PortBindings"]);
    }

    [Fact]
    public void ToCreateBody_IsValidJsonForTheEngine()
    {
        var text = ContainerLaunch.For(Spec with { Env = [new("QUOTE", null)] }, 0, "img", Copy, JobVariables(("QUOTE", "a\"b\\c\n"))).ToCreateBody().ToJsonString();

        var env = Strings(JsonNode.Parse(text)!["Env"]);
        Assert.Contains("QUOTE=a\"b\\c\n", env);
    }

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => (string)n!)];
}
