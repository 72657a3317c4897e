using System.Text;
using System.Text.Json.Nodes;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Runs;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Tests.Containers;

/// <summary>
/// The engine client against a fake engine on a unix socket: what it sends, and how every kind of refusal (no image,
/// a name in use, a failed pull, no engine at all) reaches the user.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DockerApiTests(FakeDockerEngine engine) : IClassFixture<FakeDockerEngine>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ImageIdAsync_ImageTheEngineHasNot_IsNull()
    {
        engine.Reset(c => FakeDockerEngine.ErrorAsync(c, 404, "No such image: localhost/busybox:1.35"));
        using var api = engine.Client();

        Assert.Null(await api.ImageIdAsync("localhost/busybox:1.35", None));

        var request = Assert.Single(engine.Requests);
        Assert.Equal("GET /images/localhost%2Fbusybox%3A1.35/json", request.ToString());
    }

    [Fact]
    public async Task ImageIdAsync_ImageTheEngineHas_IsItsId()
    {
        engine.Reset(c => FakeDockerEngine.JsonAsync(c, 200, "{\"Id\":\"sha256:88ce\",\"RepoTags\":[\"localhost/busybox:1.35\"]}"));
        using var api = engine.Client();

        Assert.Equal("sha256:88ce", await api.ImageIdAsync("localhost/busybox:1.35", None));
    }

    [Fact]
    public async Task Calls_EngineAnsweringWithoutJson_SayWhatItAnswered()
    {
        engine.Reset(async c =>
        {
            c.Response.StatusCode = c.Request.Path.StartsWithSegments("/images", StringComparison.Ordinal) ? 200 : 500;
            await c.Response.WriteAsync("<html>a proxy, not an engine</html>");
        });
        using var api = engine.Client();

        var notJson = await Assert.ThrowsAsync<DockerApiException>(() => api.ImageIdAsync("img", None));
        var refused = await Assert.ThrowsAsync<DockerApiException>(() => api.WaitAsync("abc", None));

        Assert.Equal("an answer that is not JSON: <html>a proxy, not an engine</html>", notJson.Message);
        Assert.Equal("GET /images/img/json", notJson.Request);
        Assert.Equal(500, refused.Status);
        Assert.Equal("<html>a proxy, not an engine</html>", refused.Message);
        Assert.Equal("POST /containers/abc/wait", refused.Request);
    }

    [Fact]
    public async Task EnsureImageAsync_EngineRefusesTheLookup_IsAStartErrorNotACrash()
    {
        engine.Reset(c => FakeDockerEngine.ErrorAsync(c, 500, "layer store is corrupted"));
        using var host = new ContainerEngine(engine.Client(), "this machine");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => host.EnsureImageAsync("img:1", null, null, None));

        Assert.Equal("image: \"img:1\" could not be looked up on this machine: the Docker engine answered GET /images/img:1/json with 500: layer store is corrupted; check that engine (docker info, docker image inspect img:1) there", error.Message);
    }

    [Fact]
    public async Task NoEngine_EveryCall_IsUnreachable_AndPingIsFalse()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"dstack-no-engine-{Guid.NewGuid():N}.sock");
        using var api = DockerApi.ForSocket(missing);

        var error = await Assert.ThrowsAsync<DockerEngineUnreachableException>(() => api.ImageIdAsync("img", None));

        Assert.StartsWith($"no Docker engine answers at {missing} (", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Cause);
        Assert.False(await api.PingAsync(TimeSpan.FromSeconds(2), None));
        await Assert.ThrowsAsync<DockerEngineUnreachableException>(() => api.PullAsync(ImageReference.Parse("img"), null, null, None));
    }

    [Fact]
    public async Task EnsureImageAsync_NoEngine_SaysImageNeedsTheEngineAndWhatToDo()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"dstack-no-engine-{Guid.NewGuid():N}.sock");
        using var host = new ContainerEngine(DockerApi.ForSocket(missing), "gpu-1");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => host.EnsureImageAsync("python:3.11", null, null, None));

        Assert.StartsWith($"image: \"python:3.11\" needs the Docker engine on gpu-1, and no Docker engine answers at {missing} (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("; start Docker there, or remove image: to run the commands directly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingAsync_Engine_IsTrue()
    {
        engine.Reset(c => c.Response.WriteAsync("OK"));
        using var api = engine.Client();

        Assert.True(await api.PingAsync(TimeSpan.FromSeconds(5), None));
        Assert.Equal("GET /_ping", Assert.Single(engine.Requests).ToString());
    }

    [Fact]
    public async Task PullAsync_ErrorLineInTheStream_IsTheEnginesWords()
    {
        engine.Reset(c => PullStreamAsync(c,
            "{\"status\":\"Pulling from library/nothing\",\"id\":\"1.0\"}",
            "{\"errorDetail\":{\"message\":\"manifest for nothing:1.0 not found: manifest unknown: manifest unknown\"},\"error\":\"manifest for nothing:1.0 not found\"}"));
        using var api = engine.Client();

        var error = await Assert.ThrowsAsync<DockerApiException>(() => api.PullAsync(ImageReference.Parse("nothing:1.0"), null, null, None));

        Assert.Equal("manifest for nothing:1.0 not found: manifest unknown: manifest unknown", error.Message);
        Assert.Equal("POST /images/create", error.Request);
        var request = Assert.Single(engine.Requests);
        Assert.Equal("POST /images/create?fromImage=nothing&tag=1.0", request.ToString());
        Assert.False(request.Headers.ContainsKey("X-Registry-Auth"));
    }

    [Fact]
    public async Task EnsureImageAsync_PullRefused_IsALocatedErrorNamingImageAndRegistry()
    {
        engine.Reset(c => c.Request.Method == "GET"
            ? FakeDockerEngine.ErrorAsync(c, 404, "No such image")
            : FakeDockerEngine.ErrorAsync(c, 404, "pull access denied for registry.example:5000/team/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"));
        using var host = new ContainerEngine(engine.Client(), "this machine");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => host.EnsureImageAsync("registry.example:5000/team/app:2", null, null, None));

        Assert.StartsWith("image: \"registry.example:5000/team/app:2\" could not be pulled from registry.example:5000 on this machine: pull access denied", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("requested access to the resource is denied; registry.example:5000 has no image \"team/app\", or it is private: check the name and tag, or add registry_auth", error.Message, StringComparison.Ordinal);
        Assert.Equal(["GET /images/registry.example%3A5000%2Fteam%2Fapp%3A2/json", "POST /images/create?fromImage=registry.example%3A5000%2Fteam%2Fapp&tag=2"], engine.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task PullAsync_Credentials_TravelOnlyInTheRegistryAuthHeader()
    {
        engine.Reset(c => PullStreamAsync(c, "{\"status\":\"Status: Image is up to date for registry.example:5000/app:1\"}"));
        using var api = engine.Client();

        await api.PullAsync(ImageReference.Parse("registry.example:5000/app:1"), new RegistryCredentials("robot", "pa$$word+/="), null, None);

        var request = Assert.Single(engine.Requests);
        Assert.DoesNotContain("pa$$word", request.Target, StringComparison.Ordinal);
        var header = request.Headers["X-Registry-Auth"];
        var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/'))))!;
        Assert.Equal("robot", (string?)json["username"]);
        Assert.Equal("pa$$word+/=", (string?)json["password"]);
        Assert.Equal("registry.example:5000", (string?)json["serveraddress"]);
        Assert.DoesNotContain("pa$$word", new RegistryCredentials("robot", "pa$$word+/=").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullAsync_LayerProgress_IsAddedUpAcrossLayers()
    {
        engine.Reset(c => PullStreamAsync(c,
            "{\"status\":\"Pulling from team/app\",\"id\":\"2\"}",
            "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"aaa\"}",
            "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"bbb\"}",
            "{\"status\":\"Already exists\",\"progressDetail\":{},\"id\":\"ccc\"}",
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":50,\"total\":100},\"id\":\"aaa\"}",
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":10,\"total\":200},\"id\":\"bbb\"}",
            "not json: ignored",
            string.Empty,
            "{\"status\":\"Download complete\",\"progressDetail\":{},\"id\":\"aaa\"}",
            "{\"status\":\"Extracting\",\"progressDetail\":{\"current\":5,\"total\":100},\"id\":\"aaa\"}",
            "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"aaa\"}",
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":200,\"total\":200},\"id\":\"bbb\"}",
            "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"bbb\"}",
            "{\"status\":\"Digest: sha256:0123\"}",
            "{\"status\":\"Status: Downloaded newer image for registry.example/team/app:2\"}"));
        using var api = engine.Client();
        var reports = new List<ImagePullProgress>();

        await api.PullAsync(ImageReference.Parse("registry.example/team/app:2"), null, new CollectedProgress<ImagePullProgress>(reports), None);

        Assert.Equal(13, reports.Count);
        Assert.Equal(new ImagePullProgress(1, 3, 60, 300, "Downloading"), reports[5]);
        Assert.Equal(new ImagePullProgress(1, 3, 110, 300, "Download complete"), reports[6]);
        Assert.Equal(new ImagePullProgress(2, 3, 110, 300, "Pull complete"), reports[8]);
        Assert.Equal(new ImagePullProgress(3, 3, 300, 300, "Status: Downloaded newer image for registry.example/team/app:2"), reports[^1]);
    }

    [Fact]
    public async Task PrepareAsync_ImageToPull_ReportsPullingAndEndsWithEveryLayerDone()
    {
        var pulled = false;
        engine.Reset(async c =>
        {
            if (c.Request.Method == "GET")
            {
                await (pulled ? FakeDockerEngine.JsonAsync(c, 200, "{\"Id\":\"sha256:abcd\"}") : FakeDockerEngine.ErrorAsync(c, 404, "No such image"));
                return;
            }

            pulled = true;
            await PullStreamAsync(c,
                "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"aaa\"}",
                "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":512,\"total\":1024},\"id\":\"aaa\"}",
                "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"aaa\"}");
        });
        using var host = new ContainerEngine(engine.Client(), "this machine");
        var events = new List<RunProgress>();
        var spec = new RunSpec { RunName = "r", Type = "task", ConfigurationPath = "/r/.dstack.yml", RepoRoot = "/r", Script = "true" };

        var id = await JobImage.PrepareAsync(host, spec, "registry.example/app:1", 1, new CollectedProgress<RunProgress>(events), None);

        Assert.Equal("sha256:abcd", id);
        Assert.Equal(new PullingProgress(1, "registry.example/app:1", "this machine"), events[0]);
        Assert.Equal(new PullingProgress(1, "registry.example/app:1", "this machine", 512, 1024, 0, 1), events[1]);
        Assert.Equal(new PullingProgress(1, "registry.example/app:1", "this machine", 1024, 1024, 1, 1), events[^1]);
    }

    [Fact]
    public async Task PrepareAsync_ImageThere_PullsNothingAndSaysNothing()
    {
        engine.Reset(c => FakeDockerEngine.JsonAsync(c, 200, "{\"Id\":\"sha256:abcd\"}"));
        using var host = new ContainerEngine(engine.Client(), "this machine");
        var events = new List<RunProgress>();
        var spec = new RunSpec { RunName = "r", Type = "task", ConfigurationPath = "/r/.dstack.yml", RepoRoot = "/r", Script = "true" };

        Assert.Equal("sha256:abcd", await JobImage.PrepareAsync(host, spec, "img", 0, new CollectedProgress<RunProgress>(events), None));
        Assert.Empty(events);
        Assert.DoesNotContain(engine.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task RemoveAsync_GoneOrBeingRemoved_IsTrue_OtherRefusalsFalse()
    {
        engine.Reset(c => c.Request.Path.Value switch
        {
            "/containers/gone" => FakeDockerEngine.ErrorAsync(c, 404, "No such container: gone"),
            "/containers/busy" => FakeDockerEngine.ErrorAsync(c, 409, "removal of container busy is already in progress"),
            "/containers/stuck" => FakeDockerEngine.ErrorAsync(c, 500, "driver failed to remove root filesystem"),
            _ => Task.CompletedTask,
        });
        using var api = engine.Client();

        Assert.True(await api.RemoveAsync("ok", None));
        Assert.True(await api.RemoveAsync("gone", None));
        Assert.True(await api.RemoveAsync("busy", None));
        Assert.False(await api.RemoveAsync("stuck", None));
        Assert.All(engine.Requests, r => Assert.Equal(("DELETE", "1", "1"), (r.Method, r.Query["force"], r.Query["v"])));
    }

    [Fact]
    public async Task FindAsync_FiltersByExactNameAndLabel()
    {
        engine.Reset(c => FakeDockerEngine.JsonAsync(c, 200, "[{\"Id\":\"c1\"},{\"Id\":\"c2\"},{\"Names\":[\"/x\"]}]"));
        using var api = engine.Client();

        var ids = await api.FindAsync("dstack-r1-0", "dstack.job=tok", None);

        Assert.Equal(["c1", "c2"], ids);
        var request = Assert.Single(engine.Requests);
        Assert.Equal("1", request.Query["all"]);
        var filters = JsonNode.Parse(request.Query["filters"])!;
        Assert.Equal("dstack.job=tok", (string?)filters["label"]![0]);
        Assert.Equal("^/dstack-r1-0$", (string?)filters["name"]![0]);
    }

    [Fact]
    public async Task StartAsync_AlreadyStarted_IsFine_WaitAsync_GivesTheExitCode()
    {
        engine.Reset(c =>
        {
            if (c.Request.Path.Value!.EndsWith("/start", StringComparison.Ordinal))
            {
                c.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            return FakeDockerEngine.JsonAsync(c, 200, "{\"StatusCode\":137,\"Error\":null}");
        });
        using var api = engine.Client();

        await api.StartAsync("abc", None);
        Assert.Equal(137, await api.WaitAsync("abc", None));
        Assert.Equal("not-running", engine.Requests.Last().Query["condition"]);
    }

    private static async Task PullStreamAsync(HttpContext context, params string[] lines)
    {
        context.Response.ContentType = "application/json";
        foreach (var line in lines)
        {
            await context.Response.WriteAsync(line + "\r\n");
            await context.Response.Body.FlushAsync();
        }
    }
}
