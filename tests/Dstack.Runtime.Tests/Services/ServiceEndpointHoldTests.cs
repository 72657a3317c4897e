using System.Diagnostics;
using System.Net;
using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A request that arrives while the endpoint has no replica (a service starting, or scaled to zero) is held for one to
/// join, counted in <see cref="ServiceEndpoint.Waiting"/> (what starts a replica from zero); past the hold it gets 503
/// with Retry-After, and an endpoint that stops lets it go at once.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ServiceEndpointHoldTests : IAsyncLifetime
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private TestReplica _replica = null!;

    public async Task InitializeAsync() => _replica = await TestReplica.StartAsync(1);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _replica.DisposeAsync();
    }

    [Fact]
    public async Task ARequestWithNoReplica_IsHeldUntilOneJoins_AndCountedAsWaiting()
    {
        var set = new ReplicaSet();
        await using var endpoint = await StartAsync(set, TimeSpan.FromSeconds(20));

        var answer = _http.GetStringAsync(endpoint.Address);
        await WaitUntilAsync(() => endpoint.Waiting == 1);
        Assert.False(answer.IsCompleted);
        set.Add(new ServiceReplica(1, _replica.Address));

        Assert.Equal("replica 1", await answer.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, endpoint.Waiting);
    }

    [Fact]
    public async Task PastTheHold_ARequestGets503WithRetryAfter()
    {
        await using var endpoint = await StartAsync(new ReplicaSet(), TimeSpan.FromMilliseconds(300));

        using var answer = await _http.GetAsync(endpoint.Address);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(ServiceEndpoint.RetryAfterSeconds), answer.Headers.RetryAfter?.Delta);
        Assert.Contains("no replica running yet", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndpointThatStops_LetsAHeldRequestGo_AtOnce()
    {
        var endpoint = await StartAsync(new ReplicaSet(), TimeSpan.FromMinutes(5));
        var answer = _http.GetAsync(endpoint.Address);
        await WaitUntilAsync(() => endpoint.Waiting == 1);

        var clock = Stopwatch.StartNew();
        await endpoint.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed.TotalSeconds:0.0} s");
        try
        {
            using var response = await answer.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The connection closed with the endpoint: also not held.
        }
    }

    private static Task<ServiceEndpoint> StartAsync(ReplicaSet set, TimeSpan hold) =>
        ServiceEndpoint.StartAsync(new ServiceEndpointOptions("svc", new IPEndPoint(IPAddress.Loopback, 0), set, null) { HoldWhenNoReplica = hold });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true in time");
            await Task.Delay(10);
        }
    }
}
