using Dstack.Runtime.Forwarding;

namespace Dstack.Runtime.Tests.Forwarding;

/// <summary>URLs in job output, with -p 8080:80, -p 8001:8000 (forwarded) and -p 9000 (served by the job itself).</summary>
[Trait("Category", "Fast")]
public sealed class UrlRewriterTests
{
    private static readonly ResolvedPort[] Ports =
    [
        new(8080, 80, Forwarded: true),
        new(8001, 8000, Forwarded: true),
        new(9000, 9000, Forwarded: false),
    ];

    [Theory]
    [InlineData("Running on http://0.0.0.0:8000", "Running on http://localhost:8001")]
    [InlineData("Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)", "Uvicorn running on http://localhost:8001 (Press CTRL+C to quit)")]
    [InlineData("http://localhost:8000/docs?x=1#top", "http://localhost:8001/docs?x=1#top")]
    [InlineData("http://127.0.0.1:8000", "http://localhost:8001")]
    [InlineData("http://[::]:8000/", "http://localhost:8001/")]
    [InlineData("http://[::1]:8000", "http://localhost:8001")]
    [InlineData("HTTP://LOCALHOST:8000", "HTTP://localhost:8001")]
    [InlineData("https://0.0.0.0:8000/", "https://localhost:8001/")]
    [InlineData("ws://0.0.0.0:8000/socket", "ws://localhost:8001/socket")]
    [InlineData("wss://127.0.0.1:8000", "wss://localhost:8001")]
    [InlineData("http://0.0.0.0:80/", "http://localhost:8080/")]
    [InlineData("open http://localhost/ now", "open http://localhost:8080/ now")]
    [InlineData("(http://0.0.0.0:8000).", "(http://localhost:8001).")]
    [InlineData("\"http://0.0.0.0:8000\"", "\"http://localhost:8001\"")]
    [InlineData("a http://0.0.0.0:8000 b ws://[::1]:80/x c", "a http://localhost:8001 b ws://localhost:8080/x c")]
    [InlineData("http://0.0.0.0:9000 http://0.0.0.0:8000", "http://0.0.0.0:9000 http://localhost:8001")]
    public void Rewrite_LocalUrlOfForwardedPort_PointsAtLocalPort(string line, string expected)
    {
        Assert.Equal(expected, new UrlRewriter(Ports, "127.0.0.1").Rewrite(line));
    }

    [Theory]
    [InlineData("")]
    [InlineData("listening on 0.0.0.0:8000")]
    [InlineData("localhost:8000")]
    [InlineData("http://0.0.0.0:9000/")]
    [InlineData("http://0.0.0.0:7000/")]
    [InlineData("https://localhost/")]
    [InlineData("http://0.0.0.0:80001")]
    [InlineData("http://0.0.0.0:8000000")]
    [InlineData("http://0.0.0.0:")]
    [InlineData("http://0.0.0.0:abc")]
    [InlineData("http://localhost.example.com:8000")]
    [InlineData("http://127.0.0.10:8000")]
    [InlineData("http://example.com:8000")]
    [InlineData("http://user@localhost:8000")]
    [InlineData("ftp://0.0.0.0:8000")]
    [InlineData("xhttp://0.0.0.0:8000")]
    [InlineData("git+http://0.0.0.0:8000")]
    [InlineData("://0.0.0.0:8000")]
    [InlineData("http://")]
    [InlineData("see http:// and :// and https://")]
    public void Rewrite_NotLocalUrlOfForwardedPort_ReturnsLineUnchanged(string line)
    {
        var rewriter = new UrlRewriter(Ports, "127.0.0.1");

        Assert.Same(line, rewriter.Rewrite(line));
    }

    [Theory]
    [InlineData("127.0.0.1", "http://localhost:8001/")]
    [InlineData("localhost", "http://localhost:8001/")]
    [InlineData("0.0.0.0", "http://localhost:8001/")]
    [InlineData("::", "http://localhost:8001/")]
    [InlineData("::1", "http://localhost:8001/")]
    [InlineData("192.168.1.5", "http://192.168.1.5:8001/")]
    [InlineData("2001:db8::5", "http://[2001:db8::5]:8001/")]
    public void Rewrite_Host_ChoosesAddressUserCanOpen(string host, string expected)
    {
        Assert.Equal(expected, new UrlRewriter(Ports, host).Rewrite("http://0.0.0.0:8000/"));
    }

    [Fact]
    public void IsIdentity_EveryPortServedByJob_IsTrueAndLinesStayAsTheyAre()
    {
        var rewriter = new UrlRewriter([new ResolvedPort(8000, 8000, false), new ResolvedPort(9000, 9000, false)], "0.0.0.0");
        var line = "Running on http://0.0.0.0:8000";

        Assert.True(rewriter.IsIdentity);
        Assert.Same(line, rewriter.Rewrite(line));
    }

    [Fact]
    public void IsIdentity_AForwardedPort_IsFalse()
    {
        Assert.False(new UrlRewriter(Ports, "127.0.0.1").IsIdentity);
    }

    [Fact]
    public void Rewrite_PortAlsoServedByJob_LeavesItAlone()
    {
        // -p 8000 and -p *:8000 (resolved 8001): the printed URL already works.
        var rewriter = new UrlRewriter([new ResolvedPort(8000, 8000, false), new ResolvedPort(8001, 8000, true)], "127.0.0.1");

        Assert.True(rewriter.IsIdentity);
        Assert.Equal("http://0.0.0.0:8000", rewriter.Rewrite("http://0.0.0.0:8000"));
    }

    [Fact]
    public void Rewrite_LongLineWithoutScheme_ReturnsSameInstance()
    {
        var line = new string('x', 100_000) + " 0.0.0.0:8000";

        Assert.Same(line, new UrlRewriter(Ports, "127.0.0.1").Rewrite(line));
    }
}
