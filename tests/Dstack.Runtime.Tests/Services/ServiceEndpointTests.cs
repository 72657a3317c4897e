using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// The published endpoint of a service over real sockets on loopback: round robin across replicas, a replica whose
/// port refuses skipped without a failed request, 503 when none answers, the bearer token required and never passed
/// on, bodies and streamed answers forwarded whole.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ServiceEndpointTests : IAsyncLifetime
{
    private const string Token = "s3cret-token-1234";
    private readonly List<TestReplica> _replicas = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero });

    public async Task InitializeAsync()
    {
        _replicas.Add(await TestReplica.StartAsync(1));
        _replicas.Add(await TestReplica.StartAsync(2));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_GoToEachReplicaInTurn()
    {
        await using var endpoint = await StartAsync(token: null, _replicas[0], _replicas[1]);

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await _http.GetStringAsync(endpoint.Address));
        }

        Assert.Equal(["replica 1", "replica 2", "replica 1", "replica 2", "replica 1", "replica 2"], answers);
        Assert.Equal(3, _replicas[0].Hits);
        Assert.Equal(3, _replicas[1].Hits);
    }

    [Fact]
    public async Task AReplicaWhosePortRefuses_IsSkipped_WithoutAFailedRequest_AndPaused()
    {
        var closed = new ServiceReplica(9, new Uri($"http://127.0.0.1:{ClosedPort()}/"));
        var set = new ReplicaSet();
        set.Add(closed);
        set.Add(new ServiceReplica(1, _replicas[0].Address));
        await using var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("svc", new IPEndPoint(IPAddress.Loopback, 0), set, null));

        for (var i = 0; i < 4; i++)
        {
            using var response = await _http.PostAsync(new Uri(endpoint.Address, "echo"), new StringContent("hello body " + i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"replica 1 got 12 bytes: hello body {i}", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(4, _replicas[0].Hits);
        Assert.Contains(set.Snapshot(), r => r.Replica == closed && r.Paused);
    }

    [Fact]
    public async Task AReplicaBehindAForwardWhoseFarEndRefuses_IsSkipped_ForRequestsWithoutABody_AndPaused()
    {
        // An SSH forward to a replica that just died: it takes each connection and closes it without an answer.
        using var forward = new ClosingForward();
        var dead = new ServiceReplica(9, forward.Address);
        var set = new ReplicaSet();
        set.Add(dead);
        set.Add(new ServiceReplica(1, _replicas[0].Address));
        await using var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("svc", new IPEndPoint(IPAddress.Loopback, 0), set, null));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await _http.GetAsync(endpoint.Address);
            statuses.Add(response.StatusCode);
            Assert.Equal("replica 1", await response.Content.ReadAsStringAsync());
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(forward.Accepted > 0, "the forward was never tried");
        Assert.Contains(set.Snapshot(), r => r.Replica == dead && r.Paused);
    }

    [Fact]
    public async Task ARequestWithABody_ThatAReplicasConnectionEndedWithoutAnAnswer_IsNotSentAgain_AndThe502SaysWhy()
    {
        using var forward = new ClosingForward();
        var set = new ReplicaSet();
        set.Add(new ServiceReplica(9, forward.Address));
        set.Add(new ServiceReplica(1, _replicas[0].Address));
        await using var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("svc-2", new IPEndPoint(IPAddress.Loopback, 0), set, null));

        using var response = await _http.PostAsync(new Uri(endpoint.Address, "echo"), new StringContent("once only"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("svc-2's replica 9 failed the request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _replicas[0].Hits);
    }

    [Fact]
    public async Task NoReplicaAnswering_Is503_ThatSaysWhatToCheck()
    {
        var set = new ReplicaSet();
        await using var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("svc-1", new IPEndPoint(IPAddress.Loopback, 0), set, null));

        using var none = await _http.GetAsync(endpoint.Address);
        set.Add(new ServiceReplica(1, new Uri($"http://127.0.0.1:{ClosedPort()}/")));
        using var refused = await _http.GetAsync(endpoint.Address);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, none.StatusCode);
        Assert.Contains("svc-1 cannot take the request: it has no replica running yet", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("no replica answers on its port (1 tried); `dstack ps` shows its replicas and `dstack logs svc-1`", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic czNjcmV0LXRva2VuLTEyMzQ=")]
    [InlineData("Bearer s3cret-token-123")]
    public async Task WithAuth_ARequestWithoutTheToken_Is401_AndNeverReachesAReplica(string? authorization)
    {
        await using var endpoint = await StartAsync(Token, _replicas[0]);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.Address, "auth"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("`dstack service token` prints the token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _replicas[0].Hits);
    }

    [Fact]
    public async Task WithAuth_TheRightToken_Passes_AndTheReplicaNeverSeesIt()
    {
        await using var endpoint = await StartAsync(Token, _replicas[0]);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.Address, "auth"));
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", Token);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no authorization header", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutAuth_TheCallersOwnAuthorizationHeader_ReachesTheReplica()
    {
        await using var endpoint = await StartAsync(token: null, _replicas[0]);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.Address, "auth"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "the-apps-own");

        using var response = await _http.SendAsync(request);

        Assert.Equal("authorization: Bearer the-apps-own", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ALargeBody_AndAStreamedAnswer_AreForwardedWhole()
    {
        await using var endpoint = await StartAsync(token: null, _replicas[0]);
        var large = new string('x', 3 * 1024 * 1024);

        using var posted = await _http.PostAsync(new Uri(endpoint.Address, "echo"), new StringContent(large));
        using var stream = await _http.GetAsync(new Uri(endpoint.Address, "stream"), HttpCompletionOption.ResponseHeadersRead);

        Assert.StartsWith($"replica 1 got {large.Length} bytes: xxxx", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("piece 0\npiece 1\npiece 2\n", await stream.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EveryRequest_IsCounted_InTheRate()
    {
        await using var endpoint = await StartAsync(Token, _replicas[0]);
        for (var i = 0; i < 5; i++)
        {
            using var _ = await _http.GetAsync(endpoint.Address);
        }

        Assert.Equal(5, endpoint.Rate.Total);
    }

    [Fact]
    public async Task APortInUse_IsAnIOException_NamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = await Assert.ThrowsAsync<IOException>(() => ServiceEndpoint.StartAsync(new ServiceEndpointOptions("svc", new IPEndPoint(IPAddress.Loopback, port), new ReplicaSet(), null)));

        Assert.Contains($"cannot listen on 127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    private static Task<ServiceEndpoint> StartAsync(string? token, params TestReplica[] replicas)
    {
        var set = new ReplicaSet();
        foreach (var replica in replicas)
        {
            set.Add(new ServiceReplica(replica.Number, replica.Address));
        }

        return ServiceEndpoint.StartAsync(new ServiceEndpointOptions("svc", new IPEndPoint(IPAddress.Loopback, 0), set, token));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
