using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Forwarding;

namespace Dstack.Benchmarks;

/// <summary>
/// The port forwarder on loopback, against the same server reached directly: throughput of a large transfer each
/// way, and the round-trip time of a one-byte ping-pong with its percentiles. Not a BenchmarkDotNet suite, since
/// percentiles need every sample: <c>dotnet run -c Release --project benchmarks/Dstack.Benchmarks -- forwarder</c>.
/// Targets: the forwarder moves at least 80% of the direct throughput and adds less than 0.2 ms at the median.
/// </summary>
public static class ForwarderBenchmarks
{
    /// <summary>What both ends of a transfer read and write at a time; the forwarder uses its own 64 KiB buffers.</summary>
    private const int EndpointBuffer = 1024 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var megabytes = Option(args, "--megabytes", 256);
        var repeats = Option(args, "--repeats", 5);
        var roundTrips = Option(args, "--round-trips", 20_000);
        var warmUp = Option(args, "--warm-up", 2_000);
        var bytes = megabytes * 1024L * 1024;

        await using var sink = BenchmarkServer.Start(SinkAsync);
        await using var source = BenchmarkServer.Start(SourceAsync);
        await using var echo = BenchmarkServer.Start(EchoAsync);
        await using var toSink = PortForwarder.Start(new IPEndPoint(IPAddress.Loopback, 0), sink.EndPoint);
        await using var toSource = PortForwarder.Start(new IPEndPoint(IPAddress.Loopback, 0), source.EndPoint);
        await using var toSinkCopying = PortForwarder.Start(new IPEndPoint(IPAddress.Loopback, 0), sink.EndPoint, allowSplice: false);
        await using var toSourceCopying = PortForwarder.Start(new IPEndPoint(IPAddress.Loopback, 0), source.EndPoint, allowSplice: false);
        await using var toEcho = PortForwarder.Start(new IPEndPoint(IPAddress.Loopback, 0), echo.EndPoint);

        Console.WriteLine($"Port forwarder on loopback: {megabytes} MiB per transfer, median of {repeats}; {roundTrips:N0} round trips after {warmUp:N0} warm-up");
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

        // One untimed pass of each warms up the JIT, the pool buffers and the sockets' windows.
        foreach (var endPoint in new[] { sink.EndPoint, toSink.LocalEndPoint, toSinkCopying.LocalEndPoint })
        {
            await UploadAsync(endPoint, bytes / 4);
        }

        foreach (var endPoint in new[] { source.EndPoint, toSource.LocalEndPoint, toSourceCopying.LocalEndPoint })
        {
            await DownloadAsync(endPoint, bytes / 4);
        }

        var upload = new Runs();
        var download = new Runs();
        for (var i = 0; i < repeats; i++)
        {
            // Interleaved, so drift in what else runs on the machine falls on all three alike.
            upload.Direct.Add(await UploadAsync(sink.EndPoint, bytes));
            upload.Forwarded.Add(await UploadAsync(toSink.LocalEndPoint, bytes));
            upload.Copying.Add(await UploadAsync(toSinkCopying.LocalEndPoint, bytes));
            download.Direct.Add(await DownloadAsync(source.EndPoint, bytes));
            download.Forwarded.Add(await DownloadAsync(toSource.LocalEndPoint, bytes));
            download.Copying.Add(await DownloadAsync(toSourceCopying.LocalEndPoint, bytes));
        }

        Console.WriteLine();
        Console.WriteLine("Throughput in MiB/s, median of the runs; ratios are medians of each forwarded run over the direct run before it.");
        Console.WriteLine("CPU is the whole process's (client, server and forwarder) user + system time per GiB moved.");
        Console.WriteLine();
        Console.WriteLine("| Transfer | Direct | Forwarded | Forwarded / direct | Copying only | Copying / direct | CPU ms/GiB direct | forwarded | copying |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        upload.Print("client to server");
        download.Print("server to client");

        var direct = await PingPongAsync(echo.EndPoint, warmUp, roundTrips);
        var forwarded = await PingPongAsync(toEcho.LocalEndPoint, warmUp, roundTrips);
        Console.WriteLine();
        Console.WriteLine("| Round trip, 1 byte | p50 (µs) | p90 (µs) | p99 (µs) | mean (µs) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        PrintLatency("direct", direct);
        PrintLatency("forwarded", forwarded);
        Console.WriteLine(Invariant($"| added by the forwarder | {Percentile(forwarded, 0.50) - Percentile(direct, 0.50):F1} | {Percentile(forwarded, 0.90) - Percentile(direct, 0.90):F1} | {Percentile(forwarded, 0.99) - Percentile(direct, 0.99):F1} | {forwarded.Average() - direct.Average():F1} |"));
        Console.WriteLine();
        Console.WriteLine($"Directions that moved to splice: {toSink.SplicedDirections + toSource.SplicedDirections} (copying-only forwarders: {toSinkCopying.SplicedDirections + toSourceCopying.SplicedDirections})");
        return 0;
    }

    private static async Task<Transfer> UploadAsync(IPEndPoint endPoint, long bytes)
    {
        using var socket = await ConnectAsync(endPoint);
        var chunk = new byte[EndpointBuffer];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        for (long sent = 0; sent < bytes;)
        {
            sent += await socket.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)), SocketFlags.None);
        }

        socket.Shutdown(SocketShutdown.Send);
        var received = BinaryPrimitives.ReadInt64LittleEndian(await ReceiveExactlyAsync(socket, 8));
        var elapsed = Stopwatch.GetElapsedTime(started);
        Check(received == bytes, $"the server received {received} of {bytes} bytes");
        return new Transfer(bytes, elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private static async Task<Transfer> DownloadAsync(IPEndPoint endPoint, long bytes)
    {
        using var socket = await ConnectAsync(endPoint);
        var request = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(request, bytes);
        var buffer = new byte[EndpointBuffer];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await socket.SendAsync(request, SocketFlags.None);
        long received = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            received += read;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Check(received == bytes, $"the client received {received} of {bytes} bytes");
        return new Transfer(bytes, elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>Microseconds of each round trip, measured on a blocking client so the client adds no scheduling of its own.</summary>
    private static async Task<double[]> PingPongAsync(IPEndPoint endPoint, int warmUp, int roundTrips)
    {
        using var socket = await ConnectAsync(endPoint);
        return await Task.Factory.StartNew(() =>
        {
            var ping = new byte[1];
            var samples = new double[roundTrips];
            for (var i = -warmUp; i < roundTrips; i++)
            {
                var started = Stopwatch.GetTimestamp();
                socket.Send(ping);
                Check(socket.Receive(ping) == 1, "the echo server closed the connection");
                if (i >= 0)
                {
                    samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                }
            }

            Array.Sort(samples);
            return samples;
        }, TaskCreationOptions.LongRunning);
    }

    private static async Task SinkAsync(Socket socket)
    {
        var buffer = new byte[EndpointBuffer];
        long total = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            total += read;
        }

        var reply = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(reply, total);
        await socket.SendAsync(reply, SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task SourceAsync(Socket socket)
    {
        var bytes = BinaryPrimitives.ReadInt64LittleEndian(await ReceiveExactlyAsync(socket, 8));
        var chunk = new byte[EndpointBuffer];
        for (long sent = 0; sent < bytes;)
        {
            sent += await socket.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)), SocketFlags.None);
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task EchoAsync(Socket socket)
    {
        var buffer = new byte[1];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
        {
            await socket.SendAsync(buffer, SocketFlags.None);
        }
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return socket;
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (var filled = 0; filled < count;)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            Check(read > 0, "the stream ended early");
            filled += read;
        }

        return buffer;
    }

    private static void PrintLatency(string name, double[] sorted) =>
        Console.WriteLine(Invariant($"| {name} | {Percentile(sorted, 0.50):F1} | {Percentile(sorted, 0.90):F1} | {Percentile(sorted, 0.99):F1} | {sorted.Average():F1} |"));

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Transfer(long Bytes, TimeSpan Elapsed, TimeSpan Cpu)
    {
        public double MebibytesPerSecond => Bytes / 1024.0 / 1024.0 / Elapsed.TotalSeconds;

        public double CpuMillisecondsPerGibibyte => Cpu.TotalMilliseconds / (Bytes / 1024.0 / 1024.0 / 1024.0);
    }

    /// <summary>The runs of one transfer direction: straight to the server, through the forwarder, and through it with splice off.</summary>
    private sealed class Runs
    {
        public List<Transfer> Direct { get; } = [];

        public List<Transfer> Forwarded { get; } = [];

        public List<Transfer> Copying { get; } = [];

        public void Print(string name)
        {
            // Each forwarded run is compared with the direct run just before it, so a slower spell of the machine
            // lowers both sides of one ratio rather than one side of the medians.
            var forwarded = Median(Forwarded.Zip(Direct, (f, d) => f.MebibytesPerSecond / d.MebibytesPerSecond));
            var copying = Median(Copying.Zip(Direct, (c, d) => c.MebibytesPerSecond / d.MebibytesPerSecond));
            Console.WriteLine(Invariant(
                $"| {name} | {Median(Direct.Select(t => t.MebibytesPerSecond)):F0} | {Median(Forwarded.Select(t => t.MebibytesPerSecond)):F0} | {forwarded:P0} | {Median(Copying.Select(t => t.MebibytesPerSecond)):F0} | {copying:P0} | {Median(Direct.Select(t => t.CpuMillisecondsPerGibibyte)):F0} | {Median(Forwarded.Select(t => t.CpuMillisecondsPerGibibyte)):F0} | {Median(Copying.Select(t => t.CpuMillisecondsPerGibibyte)):F0} |"));
            Console.WriteLine(Invariant($"|   each run | {Each(Direct)} | {Each(Forwarded)} | | {Each(Copying)} | | | | |"));
        }

        private static string Each(List<Transfer> runs) => string.Join(" ", runs.Select(t => t.MebibytesPerSecond.ToString("F0", CultureInfo.InvariantCulture)));
    }
}
