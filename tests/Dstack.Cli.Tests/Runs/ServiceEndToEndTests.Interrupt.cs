using System.Net;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// Ctrl+C in a real terminal while <c>dstack run</c> of a service is attached: answering no detaches and leaves the
/// service serving through its endpoint; answering yes stops it and leaves no process and no listening port.
/// </summary>
public sealed partial class ServiceEndToEndTests
{
    [Fact]
    public async Task Service_CtrlC_AnswerNo_Detaches_AndTheEndpointKeepsAnswering()
    {
        var port = FreePort();
        _sandbox.Write(".dstack.yml", $"type: service\nname: kept-web\nport: {port}\nauth: false\ncommands:\n  - python3 app.py\n");

        var session = PseudoTerminal.Start(_sandbox, [new("the service is up at", PseudoTerminal.CtrlC), new("[y/n]", "n\n")], "run", "-y");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("Stop the run kept-web before detaching? [y/n]", result.Output, StringComparison.Ordinal);
        Assert.Contains("Detached. kept-web keeps running", result.Output, StringComparison.Ordinal);
        var url = UrlLine().Match(result.Output).Groups["url"].Value;
        Assert.True(url.Length > 0, result.ToString());

        // The CLI is gone; the controller's endpoint still answers, from the replica.
        using (var answer = await _http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains($"replica=0 port={port} ", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("running", (await _sandbox.RunRecordAsync("kept-web")).GetProperty("status").GetString());
        var stop = await _sandbox.RunAsync("stop", "kept-web", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("kept-web", TimeSpan.FromSeconds(10)));
        Assert.False(Listens(new Uri(url).Port));
    }

    [Fact]
    public async Task Service_CtrlC_AnswerYes_StopsIt_LeavingNoProcessAndNoListeningPort()
    {
        var port = FreePort();
        _sandbox.Write(".dstack.yml", $"type: service\nname: gone-web\nport: {port}\nauth: false\nreplicas: 2\ncommands:\n  - python3 app.py\n");

        var session = PseudoTerminal.Start(_sandbox, [new("the service is up at", PseudoTerminal.CtrlC), new("[y/n]", "y\n")], "run", "-y");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 130, result.ToString());
        Assert.Contains("Stopping gone-web", result.Output, StringComparison.Ordinal);
        var url = UrlLine().Match(result.Output).Groups["url"].Value;
        Assert.True(url.Length > 0, result.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("gone-web", TimeSpan.FromSeconds(10)));
        var record = await _sandbox.RunRecordAsync("gone-web");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, record.GetProperty("service_url").ValueKind);
        Assert.False(Listens(new Uri(url).Port), $"the endpoint still listens on {url}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Listens(port) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Listens(port), $"a replica still listens on {port}");
    }
}
