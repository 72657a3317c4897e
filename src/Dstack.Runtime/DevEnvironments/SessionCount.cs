using System.Globalization;

namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// The SSH sessions of a dev environment's loopback sshd: the established TCP connections whose local end is its port
/// on 127.0.0.1, as <c>/proc/net/tcp</c> lists them (each connection is one client: a terminal, VS Code's connection).
/// Connections still being authenticated count too: a client that fails to log in closes its connection at once.
/// </summary>
public static class SessionCount
{
    /// <summary>The state of an established connection in <c>/proc/net/tcp</c>.</summary>
    private const string Established = "01";

    /// <summary>127.0.0.1 as <c>/proc/net/tcp</c> writes it: the address's bytes as one little-endian hex number.</summary>
    private const string Loopback = "0100007F";

    /// <summary>The connections to 127.0.0.1:<paramref name="port"/> on this machine (this process's network namespace); 0 when it cannot be read.</summary>
    public static int Of(int port)
    {
        try
        {
            return Parse(File.ReadAllText("/proc/net/tcp"), port);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The established connections of <paramref name="table"/> (the text of <c>/proc/net/tcp</c>) whose local end is 127.0.0.1:<paramref name="port"/>.</summary>
    public static int Parse(string table, int port)
    {
        ArgumentNullException.ThrowIfNull(table);
        var local = $"{Loopback}:{port.ToString("X4", CultureInfo.InvariantCulture)}";
        var count = 0;
        foreach (var line in table.Split('\n').Skip(1))
        {
            // "  sl  local_address rem_address   st ...": fields 1, 2 and 3.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && string.Equals(fields[1], local, StringComparison.OrdinalIgnoreCase) && fields[3] == Established)
            {
                count++;
            }
        }

        return count;
    }
}
