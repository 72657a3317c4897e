using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Dstack.Runtime.Forwarding;

/// <summary>
/// Rewrites the URLs a job prints for its own ports into the URLs the user can open: with <c>-p 8080:80</c>,
/// <c>Running on http://0.0.0.0:80/docs</c> becomes <c>Running on http://localhost:8080/docs</c>.
/// </summary>
/// <remarks>
/// <para>
/// Only URLs with a scheme (<c>http</c>, <c>https</c>, <c>ws</c>, <c>wss</c>, any case) whose host is a local
/// address (<c>0.0.0.0</c>, <c>localhost</c>, <c>127.0.0.1</c>, <c>[::]</c>, <c>[::1]</c>) and whose port (written,
/// or the scheme's default 80 or 443) is forwarded to another local port are rewritten, as dstack does. A bare
/// <c>0.0.0.0:8000</c> is left alone: without a scheme it is as likely a log of an address as a link.
/// </para>
/// <para>
/// The new host is <c>localhost</c> when the forwarder listens on a loopback or any-address (127.0.0.1, 0.0.0.0,
/// ::1, ::): that is the address that works on the machine running the CLI, and what dstack prints. For any other
/// <c>--host</c> it is that address, the only one the forwarder answers on.
/// </para>
/// <para>
/// Ports the job serves itself (the same port on both sides) and ports not mapped are left alone. A line without
/// <c>://</c> costs one vectorized search and is returned as is.
/// </para>
/// </remarks>
public sealed class UrlRewriter
{
    private static readonly string[] LocalHosts = ["0.0.0.0", "localhost", "127.0.0.1", "[::]", "[::1]"];

    private readonly Dictionary<int, int> _localPortByContainerPort = [];
    private readonly string _hostName;

    public UrlRewriter(IReadOnlyList<ResolvedPort> ports, string host)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var address = ListenAddress.Parse(host);
        _hostName = ListenAddress.IsLoopbackOrAny(address) ? "localhost"
            : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]"
            : address.ToString();

        // A port the job serves itself is reachable as printed, even when another mapping also forwards it.
        var served = ports.Where(p => p.LocalPort == p.ContainerPort).Select(p => p.ContainerPort).ToHashSet();
        foreach (var port in ports)
        {
            if (port.LocalPort != port.ContainerPort && !served.Contains(port.ContainerPort))
            {
                _localPortByContainerPort.TryAdd(port.ContainerPort, port.LocalPort);
            }
        }
    }

    /// <summary>True when no port is forwarded to another local port, so <see cref="Rewrite"/> returns every line as is.</summary>
    public bool IsIdentity => _localPortByContainerPort.Count == 0;

    /// <summary>The line with the URLs of forwarded ports rewritten; the same string instance when nothing changes.</summary>
    public string Rewrite(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (IsIdentity)
        {
            return line;
        }

        var text = line.AsSpan();
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            return line;
        }

        StringBuilder? rewritten = null;
        var copied = 0;
        while (separator >= 0)
        {
            var afterSeparator = separator + 3;
            if (TryMatch(text, separator, out var authorityEnd, out var localPort))
            {
                rewritten ??= new StringBuilder(line.Length + 16);
                rewritten.Append(text[copied..afterSeparator]).Append(_hostName).Append(':').Append(localPort.ToString(CultureInfo.InvariantCulture));
                copied = authorityEnd;
            }

            var next = text[afterSeparator..].IndexOf("://", StringComparison.Ordinal);
            separator = next < 0 ? -1 : afterSeparator + next;
        }

        return rewritten is null ? line : rewritten.Append(text[copied..]).ToString();
    }

    /// <summary>
    /// Whether the URL whose <c>://</c> is at <paramref name="separator"/> names a local host and a forwarded port;
    /// <paramref name="authorityEnd"/> is where its host and port end.
    /// </summary>
    private bool TryMatch(ReadOnlySpan<char> text, int separator, out int authorityEnd, out int localPort)
    {
        authorityEnd = 0;
        localPort = 0;
        var schemeStart = separator;
        while (schemeStart > 0 && separator - schemeStart < 5 && char.IsAsciiLetter(text[schemeStart - 1]))
        {
            schemeStart--;
        }

        var defaultPort = SchemeDefaultPort(text[schemeStart..separator]);
        if (defaultPort == 0 || (schemeStart > 0 && IsSchemeChar(text[schemeStart - 1])))
        {
            return false;
        }

        var hostStart = separator + 3;
        var hostEnd = -1;
        foreach (var candidate in LocalHosts)
        {
            if (text[hostStart..].StartsWith(candidate, StringComparison.OrdinalIgnoreCase))
            {
                hostEnd = hostStart + candidate.Length;
                break;
            }
        }

        if (hostEnd < 0)
        {
            return false;
        }

        int containerPort;
        if (hostEnd < text.Length && text[hostEnd] == ':')
        {
            var digitsEnd = hostEnd + 1;
            while (digitsEnd < text.Length && char.IsAsciiDigit(text[digitsEnd]))
            {
                digitsEnd++;
            }

            var digits = text[(hostEnd + 1)..digitsEnd];
            if (digits.IsEmpty || digits.Length > 5)
            {
                return false;
            }

            containerPort = int.Parse(digits, CultureInfo.InvariantCulture);
            authorityEnd = digitsEnd;
        }
        else if (hostEnd == text.Length || !IsHostChar(text[hostEnd]))
        {
            containerPort = defaultPort;
            authorityEnd = hostEnd;
        }
        else
        {
            // A longer host name that only starts like a local one: http://localhost.example.com, http://127.0.0.10.
            return false;
        }

        return _localPortByContainerPort.TryGetValue(containerPort, out localPort);
    }

    private static int SchemeDefaultPort(ReadOnlySpan<char> scheme) =>
        scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("ws", StringComparison.OrdinalIgnoreCase) ? 80
        : scheme.Equals("https", StringComparison.OrdinalIgnoreCase) || scheme.Equals("wss", StringComparison.OrdinalIgnoreCase) ? 443
        : 0;

    private static bool IsSchemeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.';

    private static bool IsHostChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '[' or ']' or ':';
}
