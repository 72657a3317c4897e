using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dstack.Runtime.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dstack.Benchmarks;

/// <summary>
/// A service's published endpoint against its replica reached directly (docs/performance.md, "Service endpoint"), all on
/// 127.0.0.1 in one process: requests per second with C concurrent keep-alive clients for a fixed count of small GETs,
/// and the latency of one client's sequential GETs (every sample kept for the percentiles). Direct and through the
/// endpoint alternate, R runs each after a warm-up of each; the medians are printed.
/// Usage: <c>dotnet run -c Release --project benchmarks/Dstack.Benchmarks -- service [--requests N] [--clients C]
/// [--repeats R] [--latency N] [--auth] [--work-us N]</c> (N µs of CPU per request in the replica, as an app
/// would spend; 0 by default: the endpoint's own cost against a replica that does nothing).
/// </summary>
public static class ServiceEndpointTimings
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = Option(args, "--requests", 20_000);
        var clients = Option(args, "--clients", 8);
        var repeats = Option(args, "--repeats", 5);
        var latencySamples = Option(args, "--latency", 5_000);
        var token = args.Contains("--auth") ? "bench-token-0123456789" : null;
        var work = TimeSpan.FromMicroseconds(Option(args, "--work-us", 0));

        await using var replica = await StartReplicaAsync(work);
        var set = new ReplicaSet();
        set.Add(new ServiceReplica(1, replica.Address));
        await using var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("bench", new IPEndPoint(IPAddress.Loopback, 0), set, token));
        Console.WriteLine($"replica {replica.Address} ({work.TotalMicroseconds:0} µs of CPU per request), endpoint {endpoint.Address}{(token is null ? string.Empty : " (auth on)")}; {requests} requests x {clients} clients, {repeats} runs; {latencySamples} sequential for latency");

        using var http = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = clients });
        await ThroughputAsync(http, replica.Address, 2_000, clients, null);
        await ThroughputAsync(http, endpoint.Address, 2_000, clients, token);

        var direct = new List<double>();
        var through = new List<double>();
        var ratios = new List<double>();
        for (var run = 0; run < repeats; run++)
        {
            var d = await ThroughputAsync(http, replica.Address, requests, clients, null);
            var e = await ThroughputAsync(http, endpoint.Address, requests, clients, token);
            direct.Add(d);
            through.Add(e);
            ratios.Add(e / d);
            Console.WriteLine($"  run {run + 1}: direct {d:N0} req/s, endpoint {e:N0} req/s ({e / d:P0})");
        }

        Console.WriteLine($"throughput (median): direct {Median(direct):N0} req/s, endpoint {Median(through):N0} req/s, ratio {Median(ratios):P0} (median of per-run ratios)");

        var directLatency = await LatencyAsync(http, replica.Address, latencySamples, null);
        var endpointLatency = await LatencyAsync(http, endpoint.Address, latencySamples, token);
        foreach (var p in new[] { 50, 90, 99 })
        {
            var d = Percentile(directLatency, p);
            var e = Percentile(endpointLatency, p);
            Console.WriteLine($"latency p{p}: direct {d * 1000:N1} µs, endpoint {e * 1000:N1} µs, added {(e - d) * 1000:N1} µs");
        }

        return 0;
    }

    private static async Task<double> ThroughputAsync(HttpMessageInvoker http, Uri address, int requests, int clients, string? token)
    {
        var left = requests;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                await GetAsync(http, address, token);
            }
        }));
        return requests / watch.Elapsed.TotalSeconds;
    }

    private static async Task<List<double>> LatencyAsync(HttpMessageInvoker http, Uri address, int samples, string? token)
    {
        for (var i = 0; i < 500; i++)
        {
            await GetAsync(http, address, token);
        }

        var times = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await GetAsync(http, address, token);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        return times;
    }

    private static async Task GetAsync(HttpMessageInvoker http, Uri address, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        using var response = await http.SendAsync(request, CancellationToken.None);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{address}: {(int)response.StatusCode}");
        }

        await response.Content.CopyToAsync(Stream.Null);
    }

    private static async Task<Replica> StartReplicaAsync(TimeSpan work)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        var body = "{\"ok\":true,\"text\":\"a small answer of about a hundred bytes, like a health check or a short JSON\"}"u8.ToArray();
        app.Run(context =>
        {
            if (work > TimeSpan.Zero)
            {
                // The app's own work: spin on the CPU, as a handler that computes its answer would.
                var start = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(start) < work)
                {
                    Thread.SpinWait(20);
                }
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return new Replica(app, address);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static double Percentile(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    private sealed record Replica(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
