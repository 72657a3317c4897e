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
/// 127.0.0.1: requests per second with C concurrent keep-alive clients for a fixed count of small GETs, and the latency
/// of one client's sequential GETs (every sample kept for the percentiles). The targets take turns in every run (direct
/// first, then each of the others), R runs after a warm-up of each; the medians are printed, each target's throughput
/// as the median of its per-run ratios to direct, its latency from the samples of all runs pooled.
/// Usage: <c>dotnet run -c Release --project benchmarks/Dstack.Benchmarks -- service [--requests N] [--clients C]
/// [--repeats R] [--latency N] [--auth] [--work-us N] [--replica-port P] [--no-endpoint] [--via NAME=URL]...
/// [--spawn NAME[:VAR=VALUE,...]]...</c>
/// <list type="bullet">
/// <item><c>--work-us N</c>: N µs of CPU per request in the replica, as an app would spend (0 by default: the
/// endpoint's own cost against a replica that does nothing).</item>
/// <item><c>--replica-port P</c>: the replica listens on 127.0.0.1:P (0 by default: a free port), so that a proxy
/// started beforehand (nginx: benchmarks/scripts/service_vs_nginx.sh) can point at it.</item>
/// <item><c>--via NAME=URL</c>: one more target, a proxy of the replica at URL, measured with the same clients in turns
/// with the others.</item>
/// <item><c>--spawn NAME[:VAR=VALUE,...]</c>: one more target, a <see cref="ServiceEndpoint"/> in a process of its own
/// (this program's <c>service-endpoint</c>) with those environment variables set for it alone (runtime settings such
/// as <c>DOTNET_gcServer=1</c>), as the run controller hosts it; stopped at the end.</item>
/// <item><c>--pids NAME=PID[,PID...]</c>: the processes behind <c>--via NAME</c>, whose CPU time is counted.</item>
/// <item><c>--no-endpoint</c>: leaves out the endpoint in this process.</item>
/// <item><c>--requests N</c>: 20,000 by default, 10,000 with <c>--work-us</c>.</item>
/// </list>
/// Besides requests per second it prints the CPU time per request (<c>/proc/PID/stat</c>): direct, the client's and the
/// replica's (this process's); through a proxy, what this process spent beyond that plus the proxy's processes'. Less
/// at the mercy of other load on the machine than the rates, it says what ratio two cores left to these processes alone
/// would allow.
/// <c>service-endpoint --replica URL [--auth]</c> hosts one endpoint on a free port, prints <c>listening URL</c>, and
/// serves until its standard input closes.
/// </summary>
public static class ServiceEndpointTimings
{
    private const string Token = "bench-token-0123456789";

    /// <summary>How long one request may take before the benchmark gives up (every loop is bounded).</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var work = TimeSpan.FromMicroseconds(Option(args, "--work-us", 0));
        var requests = Option(args, "--requests", work > TimeSpan.Zero ? 10_000 : 20_000);
        var clients = Option(args, "--clients", 8);
        var repeats = Option(args, "--repeats", 5);
        var latencySamples = Option(args, "--latency", 5_000);
        var token = args.Contains("--auth") ? Token : null;
        var replicaPort = Option(args, "--replica-port", 0);

        await using var replica = await StartReplicaAsync(work, replicaPort);
        var targets = new List<Target> { new("direct", replica.Address, null) };
        ServiceEndpoint? endpoint = null;
        var spawned = new List<SpawnedEndpoint>();
        try
        {
            if (!args.Contains("--no-endpoint"))
            {
                var set = new ReplicaSet();
                set.Add(new ServiceReplica(1, replica.Address));
                endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("bench", new IPEndPoint(IPAddress.Loopback, 0), set, token));
                targets.Add(new Target("endpoint", endpoint.Address, token));
            }

            foreach (var spawn in Options(args, "--spawn"))
            {
                var (name, environment) = ParseSpawn(spawn);
                var child = await SpawnedEndpoint.StartAsync(replica.Address, token is not null, environment);
                spawned.Add(child);
                targets.Add(new Target(name, child.Address, token, [child.Pid]));
            }

            foreach (var via in Options(args, "--via"))
            {
                var equals = via.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new ArgumentException($"--via {via}: NAME=URL");
                }

                targets.Add(new Target(via[..equals], new Uri(via[(equals + 1)..]), token));
            }

            foreach (var pids in Options(args, "--pids"))
            {
                var equals = pids.IndexOf('=', StringComparison.Ordinal);
                var index = equals > 0 ? targets.FindIndex(t => t.Name == pids[..equals]) : -1;
                if (index < 0)
                {
                    throw new ArgumentException($"--pids {pids}: NAME=PID[,PID...] of a --via NAME");
                }

                targets[index] = targets[index] with { Pids = pids[(equals + 1)..].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList() };
            }

            Console.WriteLine($"replica {replica.Address} ({work.TotalMicroseconds:0} µs of CPU per request){(token is null ? string.Empty : ", auth on")}; {requests} requests x {clients} clients, {repeats} runs; {latencySamples} sequential for latency");
            foreach (var target in targets.Skip(1))
            {
                Console.WriteLine($"  {target.Name}: {target.Address}");
            }

            await MeasureAsync(targets, requests, clients, repeats, latencySamples);
        }
        finally
        {
            foreach (var child in spawned)
            {
                await child.DisposeAsync();
            }

            if (endpoint is not null)
            {
                await endpoint.DisposeAsync();
            }
        }

        return 0;
    }

    /// <summary><c>service-endpoint --replica URL [--auth]</c>: one endpoint in this process, until standard input closes.</summary>
    public static async Task<int> HostAsync(string[] args)
    {
        var index = Array.IndexOf(args, "--replica");
        if (index < 0 || index + 1 >= args.Length)
        {
            Console.Error.WriteLine("usage: service-endpoint --replica URL [--auth]");
            return 2;
        }

        var set = new ReplicaSet();
        set.Add(new ServiceReplica(1, new Uri(args[index + 1])));
        await using var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("bench", new IPEndPoint(IPAddress.Loopback, 0), set, args.Contains("--auth") ? Token : null));
        Console.WriteLine($"listening {endpoint.Address}");
        Console.Out.Flush();
        // Serves until the parent closes our standard input (or ends: then it closes too).
        await Console.In.ReadToEndAsync();
        return 0;
    }

    private static async Task MeasureAsync(List<Target> targets, int requests, int clients, int repeats, int latencySamples)
    {
        using var http = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = clients });
        foreach (var target in targets)
        {
            await ThroughputAsync(http, target, 2_000, clients);
            await LatencyAsync(http, target, 500, new List<double>());
        }

        var rates = targets.ToDictionary(t => t.Name, _ => new List<double>());
        var ratios = targets.ToDictionary(t => t.Name, _ => new List<double>());
        var ownCpu = targets.ToDictionary(t => t.Name, _ => new List<double>());
        var processCpu = targets.ToDictionary(t => t.Name, _ => new List<double>());
        var latencies = targets.ToDictionary(t => t.Name, _ => new List<double>(latencySamples));
        var perRun = Math.Max(1, latencySamples / repeats);
        for (var run = 0; run < repeats; run++)
        {
            var line = new List<string>();
            double direct = 0;
            double directCpu = 0;
            foreach (var target in targets)
            {
                var (rate, benchCpu, targetCpu) = await ThroughputAsync(http, target, requests, clients);
                if (target == targets[0])
                {
                    direct = rate;
                    directCpu = benchCpu;
                }

                rates[target.Name].Add(rate);
                ratios[target.Name].Add(rate / direct);
                // The proxy's own CPU per request: its processes', and what this process spent beyond a direct request.
                var own = target == targets[0] ? benchCpu : benchCpu - directCpu + targetCpu;
                ownCpu[target.Name].Add(own);
                processCpu[target.Name].Add(targetCpu);
                line.Add(target == targets[0] ? $"direct {rate:N0} ({benchCpu:N1} µs CPU)" : $"{target.Name} {rate:N0} ({rate / direct:P0}; {own:N1} µs CPU{(target.Pids.Count > 0 ? $", its processes' {targetCpu:N1}" : string.Empty)})");
            }

            foreach (var target in targets)
            {
                await LatencyAsync(http, target, perRun, latencies[target.Name]);
            }

            Console.WriteLine($"  run {run + 1}: {string.Join(", ", line)}");
        }

        Console.WriteLine("throughput (median req/s; ratio: median of per-run ratios to direct, [lowest-highest]; CPU: median µs of CPU per");
        Console.WriteLine("request, direct: the client's and the replica's, a proxy: what this process spent beyond direct plus its processes'");
        Console.WriteLine("(theirs alone in brackets); if CPU-bound: direct's CPU / (direct's + the proxy's), the ratio were CPU the only limit):");
        var directOwn = Median(ownCpu[targets[0].Name]);
        foreach (var target in targets)
        {
            var r = ratios[target.Name];
            var cpu = Median(ownCpu[target.Name]);
            Console.WriteLine(target == targets[0]
                ? $"  direct {Median(rates[target.Name]):N0}, CPU {cpu:N1} µs"
                : $"  {target.Name} {Median(rates[target.Name]):N0}, ratio {Median(r):P0} [{r.Min():P0}-{r.Max():P0}], CPU {cpu:N1} µs{(target.Pids.Count > 0 ? $" ({Median(processCpu[target.Name]):N1})" : string.Empty)}, if CPU-bound {directOwn / (directOwn + cpu):P0}");
        }

        foreach (var samples in latencies.Values)
        {
            samples.Sort();
        }

        Console.WriteLine("latency (µs, p50 / p90 / p99; added: minus direct's):");
        var baseline = latencies[targets[0].Name];
        foreach (var target in targets)
        {
            var samples = latencies[target.Name];
            var text = string.Join(" / ", new[] { 50, 90, 99 }.Select(p => (Percentile(samples, p) * 1000).ToString("N1", CultureInfo.InvariantCulture)));
            var added = string.Join(" / ", new[] { 50, 90, 99 }.Select(p => ((Percentile(samples, p) - Percentile(baseline, p)) * 1000).ToString("N1", CultureInfo.InvariantCulture)));
            Console.WriteLine(target == targets[0] ? $"  direct {text}" : $"  {target.Name} {text}, added {added}");
        }
    }

    /// <summary>Requests per second, and the µs of CPU per request of this process and of the target's own processes.</summary>
    private static async Task<(double Rate, double BenchCpu, double TargetCpu)> ThroughputAsync(HttpMessageInvoker http, Target target, int requests, int clients)
    {
        var left = requests;
        var benchBefore = CpuSeconds(Environment.ProcessId);
        var targetBefore = target.Pids.Sum(CpuSeconds);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                await GetAsync(http, target);
            }
        }));
        var elapsed = watch.Elapsed.TotalSeconds;
        var bench = (CpuSeconds(Environment.ProcessId) - benchBefore) * 1e6 / requests;
        var own = (target.Pids.Sum(CpuSeconds) - targetBefore) * 1e6 / requests;
        return (requests / elapsed, bench, own);
    }

    /// <summary>A process's user and system CPU time so far, all its threads (<c>/proc/PID/stat</c>, in clock ticks of 10 ms).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the name: state is field 3, utime 14 and stime 15 (proc(5)).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static async Task LatencyAsync(HttpMessageInvoker http, Target target, int samples, List<double> times)
    {
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await GetAsync(http, target);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    private static async Task GetAsync(HttpMessageInvoker http, Target target)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Address);
        if (target.Token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + target.Token);
        }

        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var response = await http.SendAsync(request, timeout.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{target.Name} {target.Address}: {(int)response.StatusCode}");
        }

        await response.Content.CopyToAsync(Stream.Null, timeout.Token);
    }

    private static async Task<Replica> StartReplicaAsync(TimeSpan work, int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
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

    private static (string Name, Dictionary<string, string> Environment) ParseSpawn(string spawn)
    {
        var colon = spawn.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? spawn : spawn[..colon];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (colon >= 0)
        {
            foreach (var pair in spawn[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new ArgumentException($"--spawn {spawn}: NAME[:VAR=VALUE,...]");
                }

                environment[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return (name, environment);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static IEnumerable<string> Options(string[] args, string name)
    {
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name)
            {
                yield return args[i + 1];
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static double Percentile(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    /// <summary>What the benchmark sends to; <paramref name="Pids"/>: the processes serving it apart from this one, whose CPU time is counted.</summary>
    private sealed record Target(string Name, Uri Address, string? Token, IReadOnlyList<int> Pids)
    {
        public Target(string name, Uri address, string? token)
            : this(name, address, token, [])
        {
        }
    }

    private sealed record Replica(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    /// <summary>A <c>service-endpoint</c> child of this program; disposing closes its input and waits (bounded) for it to end.</summary>
    private sealed class SpawnedEndpoint(Process process, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public int Pid => process.Id;

        public static async Task<SpawnedEndpoint> StartAsync(Uri replica, bool auth, Dictionary<string, string> environment)
        {
            var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
            var start = new ProcessStartInfo(host)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            {
                start.ArgumentList.Add(typeof(ServiceEndpointTimings).Assembly.Location);
            }

            foreach (var argument in new[] { "service-endpoint", "--replica", replica.ToString() })
            {
                start.ArgumentList.Add(argument);
            }

            if (auth)
            {
                start.ArgumentList.Add("--auth");
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("service-endpoint did not start");
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"service-endpoint said {line ?? "nothing"}");
                }

                return new SpawnedEndpoint(process, new Uri(line["listening ".Length..]));
            }
            catch
            {
                process.Kill();
                process.Dispose();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }

            process.Dispose();
        }
    }
}
