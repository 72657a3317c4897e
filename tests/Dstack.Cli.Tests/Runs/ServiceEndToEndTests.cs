using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>type: service</c> through the real program on the local backend and on an SSH host (a real sshd on 127.0.0.1):
/// two replicas behind the controller's endpoint, balanced; the token (401 without it, 200 with <c>dstack service
/// token</c>'s); an open service run attached, with the OpenAI-compatible route to a fake model server; scaling from
/// zero, up under load and down when idle; and <c>dstack stop</c> leaving no process and the port closed. The replicas
/// are small python3 web apps that answer with their replica number and port.
/// </summary>
[Collection(RunCollection.Name)]
public sealed partial class ServiceEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>A web app that answers every GET with its replica number, its port, the Authorization it received and its process id.</summary>
    private const string App = """
        import http.server, os, sys
        port = int(os.environ["DSTACK_SERVICE_PORT"])
        replica = os.environ.get("DSTACK_REPLICA_NUM", "?")
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = f"replica={replica} port={port} auth={self.headers.get('Authorization', 'none')} pid={os.getpid()}\n".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        print(f"replica {replica} listening on {port}", flush=True)
        http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """;

    /// <summary>A fake model server: an OpenAI-compatible chat completion that echoes the last message.</summary>
    private const string ModelServer = """
        import http.server, json, os
        port = int(os.environ["DSTACK_SERVICE_PORT"])
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                chat = json.loads(self.rfile.read(length))
                if self.path != "/v1/chat/completions":
                    self.send_response(404); self.end_headers(); return
                answer = {"id": "chatcmpl-1", "object": "chat.completion", "model": chat["model"],
                          "choices": [{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": "echo: " + chat["messages"][-1]["content"]}}]}
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """;

    private readonly DstackSandbox _sandbox = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(70) };

    public ServiceEndToEndTests()
    {
        _sandbox.Write("app.py", App);
        _sandbox.Write("model.py", ModelServer);
    }

    public void Dispose()
    {
        _http.Dispose();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task Service_TwoReplicas_AreBalanced_NeedTheToken_ShowInPs_AndStopLeavesNothing()
    {
        var port = FreePort();
        _sandbox.Write(".dstack.yml", $"type: service\nname: web2\nport: {port}\nreplicas: 2\ncommands:\n  - python3 app.py\n");

        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        var url = await WaitForUrlAsync("web2");

        // Without the token: 401, and the request never reaches a replica.
        using (var refused = await _http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("dstack service token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var tokenRun = await _sandbox.RunAsync("service", "token");
        Assert.True(tokenRun.Code == 0, tokenRun.ToString());
        var token = tokenRun.Output.Trim();
        Assert.Equal(token, File.ReadAllText(Path.Combine(_sandbox.Home, "service-token")).Trim());
        using (var wrong = await GetAsync(url, "not-the-token"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Both replicas answer once both have joined; the token is not passed on to them.
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow + Limit;
        while (seen.Count < 2 && DateTime.UtcNow < deadline)
        {
            using var answer = await GetAsync(url, token);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.Contains("auth=none", body, StringComparison.Ordinal);
            seen.Add(ReplicaOf(body));
            await Task.Delay(50);
        }

        Assert.Equal(["0", "1"], seen.Order());
        var bodies = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var answer = await GetAsync(url, token);
            bodies.Add(ReplicaOf(await answer.Content.ReadAsStringAsync()));
        }

        // Round robin: one in turn.
        Assert.Equal(3, bodies.Count(b => b == "0"));
        Assert.Contains($"replica=0 port={port} ", await (await GetAsync(url, token)).Content.ReadAsStringAsync() + await (await GetAsync(url, token)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var ps = await _sandbox.RunAsync("ps");
        Assert.Contains("Services:", ps.Output, StringComparison.Ordinal);
        Assert.Contains(url, ps.Output, StringComparison.Ordinal);
        var verbose = await _sandbox.RunAsync("ps", "-v");
        Assert.Contains("replicas running: 2 of 2", verbose.Output, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer $(dstack service token)", verbose.Output, StringComparison.Ordinal);

        var stop = await _sandbox.RunAsync("stop", "web2", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("web2", TimeSpan.FromSeconds(10)));
        Assert.False(Listens(new Uri(url).Port), $"the endpoint still listens on {url}");
        Assert.False(Listens(port), $"replica 0 still listens on {port}");
        var record = await _sandbox.RunRecordAsync("web2");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("service_url").ValueKind);
    }

    [Fact]
    public async Task Service_AReplicaWhoseProcessIsKilled_CostsNoFailedRequest_WhileTheOtherAnswers()
    {
        var port = FreePort();
        _sandbox.Write(".dstack.yml", $"type: service\nname: killed\nport: {port}\nauth: false\nreplicas: 2\nretry: true\ncommands:\n  - python3 app.py\n");

        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        var url = await WaitForUrlAsync("killed");
        var pids = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + Limit;
        while (pids.Count < 2 && DateTime.UtcNow < deadline)
        {
            var body = await _http.GetStringAsync(url);
            pids[ReplicaOf(body)] = int.Parse(Regex.Match(body, "pid=(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(["0", "1"], pids.Keys.Order());

        // Replica 1 dies at once; the endpoint learns it only from its refused port until the controller sees the exit.
        System.Diagnostics.Process.GetProcessById(pids["1"]).Kill();
        var failed = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            using var answer = await _http.GetAsync(url);
            var body = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                failed.Add($"{(int)answer.StatusCode}: {body}");
            }
        }

        Assert.True(failed.Count == 0, string.Join("\n", failed));

        // retry: true restarts it with the same number, and it answers again.
        var seen = new HashSet<string>();
        deadline = DateTime.UtcNow + Limit;
        while (!seen.Contains("1") && DateTime.UtcNow < deadline)
        {
            seen.Add(ReplicaOf(await _http.GetStringAsync(url)));
            await Task.Delay(50);
        }

        Assert.Contains("1", seen);
        var stop = await _sandbox.RunAsync("stop", "killed", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("killed", TimeSpan.FromSeconds(10)));
        Assert.False(Listens(new Uri(url).Port));
    }

    [Fact]
    public async Task Service_WithReload_EveryReplicaServesTheEditedFile()
    {
        var port = FreePort();
        _sandbox.Write("message.txt", "first-version\n");
        _sandbox.Write(".dstack.yml", $"type: service\nname: live-web\nport: {port}\nauth: false\nreplicas: 2\ncommands:\n  - python3 -m http.server $DSTACK_SERVICE_PORT --bind 127.0.0.1\n");

        var submitted = await _sandbox.RunAsync("run", "-y", "-d", "--reload");
        Assert.True(submitted.Code == 0, submitted.ToString());
        Assert.DoesNotContain("--reload", submitted.Error, StringComparison.Ordinal);
        var url = await WaitForUrlAsync("live-web") + "message.txt";
        Assert.Equal("first-version\n", await _http.GetStringAsync(url));

        _sandbox.Write("message.txt", "second-version\n");
        // Round robin: four answers in a row with the new text come from both replicas.
        var inARow = 0;
        var deadline = DateTime.UtcNow + Limit;
        while (inARow < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, "the edit did not reach both replicas");
            inARow = await _http.GetStringAsync(url) == "second-version\n" ? inARow + 1 : 0;
            await Task.Delay(50);
        }

        var logs = await _sandbox.RunAsync("logs", "live-web");
        Assert.Contains("--reload: changes in", logs.Output + logs.Error, StringComparison.Ordinal);
        var stop = await _sandbox.RunAsync("stop", "live-web", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("live-web", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Service_WithForceBuild_IsWarnedThatTheFlagDoesNothing()
    {
        _sandbox.Write(".dstack.yml", "type: service\nname: fb\nport: 8000\ncommands:\n  - python3 app.py\n");

        var result = await _sandbox.RunAsync("run", "-y", "--dry-run", "--force-build");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("warning DSTK2103: --force-build: a service has no build commands", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_Attached_OpenWithAuthFalse_PrintsTheUrl_AndServesTheOpenAIRoute()
    {
        var port = FreePort();
        _sandbox.Write(".dstack.yml", $"type: service\nname: chat\nport: {port}\nauth: false\nmodel:\n  name: fake-model\n  format: openai\n  prefix: /v1\ncommands:\n  - python3 model.py\n");

        var attached = _sandbox.Start("run", "-y");
        var deadline = DateTime.UtcNow + Limit;
        Match found;
        while (!(found = UrlLine().Match(attached.Output + attached.Error)).Success)
        {
            Assert.True(DateTime.UtcNow < deadline && !attached.HasExited, $"no URL printed\n{attached.Output}\n{attached.Error}");
            await Task.Delay(100);
        }

        var url = found.Groups["url"].Value;
        Assert.Equal(url, (await _sandbox.RunRecordAsync("chat")).GetProperty("service_url").GetString());
        using (var models = await _http.GetAsync(url + "v1/models"))
        {
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
            Assert.Contains("\"fake-model\"", await models.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var chat = new StringContent("{\"model\": \"fake-model\", \"messages\": [{\"role\": \"user\", \"content\": \"hello there\"}]}", Encoding.UTF8, "application/json");
        using (var completion = await _http.PostAsync(url + "v1/chat/completions", chat))
        {
            var body = await completion.Content.ReadAsStringAsync();
            Assert.True(completion.StatusCode == HttpStatusCode.OK, body);
            using var json = JsonDocument.Parse(body);
            Assert.Equal("echo: hello there", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }

        var other = new StringContent("{\"model\": \"other\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", Encoding.UTF8, "application/json");
        using (var unknown = await _http.PostAsync(url + "v1/chat/completions", other))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var stop = await _sandbox.RunAsync("stop", "chat", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        var result = await attached.WaitAsync(Limit);
        Assert.Contains("terminated", result.Output + result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("chat", TimeSpan.FromSeconds(10)));
        Assert.False(Listens(new Uri(url).Port));
    }

    [Fact]
    public async Task Service_WithScaling_StartsFromZeroOnARequest_ScalesUpUnderLoad_AndDownWhenIdle()
    {
        var port = FreePort();
        _sandbox.Environment["DSTACK_SERVICE_RATE_WINDOW_SECONDS"] = "3";
        _sandbox.Write(".dstack.yml", $"type: service\nname: scaled\nport: {port}\nauth: false\nreplicas: 0..2\nscaling:\n  metric: rps\n  target: 5\n  scale_up_delay: 1s\n  scale_down_delay: 2s\ncommands:\n  - python3 app.py\n");

        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        // With no replica to wait for, the endpoint is published at once.
        var url = await WaitForUrlAsync("scaled");
        Assert.Equal(0, await RunningReplicasAsync("scaled"));

        // The first request waits while a replica starts for it.
        using (var first = await _http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("0", ReplicaOf(await first.Content.ReadAsStringAsync()));
        }

        // Load well above one replica's target: a second replica starts and takes requests.
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow + Limit;
        while (!seen.Contains("1") && DateTime.UtcNow < deadline)
        {
            using var answer = await _http.GetAsync(url);
            seen.Add(ReplicaOf(await answer.Content.ReadAsStringAsync()));
        }

        Assert.Contains("1", seen);
        var logs = await _sandbox.RunAsync("logs", "scaled");
        Assert.Contains("scaling up from 1 to 2 replicas", logs.Output + logs.Error, StringComparison.Ordinal);

        // Idle: back to zero replicas after the window and the scale-down delay; the endpoint stays.
        deadline = DateTime.UtcNow + Limit;
        while (await RunningReplicasAsync("scaled") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the replicas were not scaled down");
            await Task.Delay(500);
        }

        Assert.True(Listens(new Uri(url).Port));
        logs = await _sandbox.RunAsync("logs", "scaled");
        Assert.Contains("scaling down from 2 to", logs.Output + logs.Error, StringComparison.Ordinal);
        Assert.False(Listens(port), $"a replica scaled away still listens on {port}");

        var stop = await _sandbox.RunAsync("stop", "scaled", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.False(Listens(new Uri(url).Port));
    }

    [Fact]
    public async Task Service_OnAnSshHost_AnswersThroughTheEndpoint()
    {
        using var sshd = new LoopbackSshd();
        _sandbox.UseSshHost(sshd);
        var port = FreePort();
        _sandbox.Write(".dstack.yml", $"type: service\nname: remote-web\nport: {port}\nauth: false\ncommands:\n  - python3 app.py\n");

        var submitted = await _sandbox.RunAsync("run", "-b", "ssh", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        var url = await WaitForUrlAsync("remote-web");
        // The endpoint reaches the replica through a forward: another local port than the replica's.
        Assert.NotEqual(port, new Uri(url).Port);
        using (var answer = await _http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains($"replica=0 port={port} ", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var stop = await _sandbox.RunAsync("stop", "remote-web", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync("remote-web")).GetProperty("status").GetString());
        Assert.False(Listens(new Uri(url).Port));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Listens(port) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Listens(port), $"the replica on the host still listens on {port}");
    }

    [Fact]
    public async Task Service_WhoseEndpointPortIsBusy_IsRefusedBeforeItIsSubmitted()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var taken = ((IPEndPoint)busy.LocalEndpoint).Port;
        _sandbox.Write(".dstack.yml", $"type: service\nname: busy\nport: \"{taken}:8000\"\ncommands:\n  - python3 app.py\n");

        var result = await _sandbox.RunAsync("run", "-y", "-d");

        Assert.True(result.Code != 0, result.ToString());
        Assert.Contains($"DSTK3005: port {taken} is already in use on this machine, so the service's endpoint could not listen on it", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [GeneratedRegex(@"the service is up at (?<url>http://127\.0\.0\.1:\d+/)")]
    private static partial Regex UrlLine();

    private async Task<HttpResponseMessage> GetAsync(string url, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    /// <summary>Polls <c>dstack ps --json</c> until the run's service_url is set.</summary>
    private async Task<string> WaitForUrlAsync(string name)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var record = await _sandbox.RunRecordAsync(name);
            // The status is read before the URL: a URL with an older status is read again.
            if (record.GetProperty("service_url").GetString() is { } url && record.GetProperty("status").GetString() == "running")
            {
                return url;
            }

            var logs = DateTime.UtcNow < deadline ? null : await _sandbox.RunAsync("logs", name);
            Assert.True(logs is null, $"{name} published no URL within {Limit.TotalSeconds} s: {record}\n{logs}");
            await Task.Delay(200);
        }
    }

    private async Task<int> RunningReplicasAsync(string name) =>
        (await _sandbox.RunRecordAsync(name)).GetProperty("jobs").EnumerateArray().Count(j => j.GetProperty("status").GetString() == "running");

    private static string ReplicaOf(string body) => Regex.Match(body, "replica=(\\S+)").Groups[1].Value;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Listens(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
