using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.State;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>
/// Probes kept for a short time (<see cref="DefaultMaxAge"/>), so planning one run after another, or an editor
/// showing offers as the user types, asks each host once: in <c>$DSTACK_HOME/ssh/probes/</c>, one file per host
/// and address, written whole (beside, then renamed). A failure is kept too, so an unreachable host costs one timeout,
/// not one per plan. <c>dstack pool list</c> always probes afresh and refreshes the file.
/// </summary>
public static class SshProbeCache
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(30);

    /// <summary>The host's probe, from the cache when it is younger than <paramref name="maxAge"/>, else probed now (and kept).</summary>
    public static SshProbeResult Probe(DstackHome home, SshHost host, TimeSpan? maxAge = null, TimeSpan? timeout = null)
    {
        var file = FileOf(home, host);
        if (TryRead(file, host, maxAge ?? DefaultMaxAge) is { } cached)
        {
            return cached;
        }

        var fresh = SshHostProbe.Probe(home, host, timeout);
        Keep(home, fresh);
        return fresh;
    }

    /// <summary>
    /// The host's kept probe when it is younger than <paramref name="maxAge"/>, else null; never probes (one small file
    /// read), for callers that must answer at once and probe in the background.
    /// </summary>
    public static SshProbeResult? Cached(DstackHome home, SshHost host, TimeSpan? maxAge = null) =>
        TryRead(FileOf(home, host), host, maxAge ?? DefaultMaxAge);

    /// <summary>Every host at once (an unreachable host costs one timeout in all), in the order given.</summary>
    public static IReadOnlyList<SshProbeResult> ProbeAll(DstackHome home, IReadOnlyList<SshHost> hosts, TimeSpan? maxAge = null, TimeSpan? timeout = null) =>
        Task.WhenAll(hosts.Select(h => Task.Run(() => Probe(home, h, maxAge, timeout)))).GetAwaiter().GetResult();

    /// <summary>Records a probe made elsewhere (<c>dstack pool list</c>).</summary>
    public static void Keep(DstackHome home, SshProbeResult result)
    {
        var file = FileOf(home, result.Host);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var text = result.Succeeded && result.Output is { } output
            ? $"ok {now}\n{output}"
            : result.Problem is { } problem ? $"failed {now} {problem.Code}\n{problem.Message}" : null;
        if (text is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temporary = $"{file}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, text);
            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache: the next plan probes again.
        }
    }

    /// <summary>Forgets a host's probe (it was removed from the pool, or a run found it unreachable).</summary>
    public static void Forget(DstackHome home, SshHost host)
    {
        try
        {
            ContainedPath.Delete(Path.Combine(home.SshFolder, "probes"), FileOf(home, host));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static SshProbeResult? TryRead(string file, SshHost host, TimeSpan maxAge)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var head = (newline < 0 ? text : text[..newline]).Split(' ');
        var body = newline < 0 ? string.Empty : text[(newline + 1)..];
        if (head.Length < 2 || !long.TryParse(head[1], NumberStyles.None, CultureInfo.InvariantCulture, out var at))
        {
            return null;
        }

        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(at);
        if (age < TimeSpan.Zero || age > maxAge)
        {
            return null;
        }

        if (head[0] == "ok" && SshHostProbe.Parse(body) is { } resources)
        {
            return new SshProbeResult(host, resources, null, body);
        }

        if (head[0] == "failed" && head.Length >= 3)
        {
            return new SshProbeResult(host, null, new Diagnostic(head[2], DiagnosticSeverity.Error, body.Trim(), SourceSpan.FileStart, null));
        }

        return null;
    }

    /// <summary>One file per pool name and address, so a host re-added with another address is probed again.</summary>
    private static string FileOf(DstackHome home, SshHost host)
    {
        var key = $"{host.Name}\n{host.Address}\n{host.IdentityFile}\n{host.ProxyJump}";
        var hash = Dstack.Runtime.Hashing.ShortHash.HexOf(key)[..16];
        return ContainedPath.Child(Path.Combine(home.SshFolder, "probes"), $"{host.Name}-{hash}");
    }
}
