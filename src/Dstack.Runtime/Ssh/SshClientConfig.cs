using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// dstack's OpenSSH client config, <c>$DSTACK_HOME/ssh/config</c>: one <c>Host &lt;run&gt;</c> entry per run on an
/// SSH host, so that <c>ssh &lt;run&gt;</c> logs in to the machine the run is on (over the run's tunnel while it is
/// open). <see cref="EnsureIncluded"/> adds <c>Include</c> for it at the top of <c>~/.ssh/config</c>, unless
/// <c>DSTACK_SSH_CONFIG_INCLUDE=0</c>; then <c>ssh -F &lt;this file&gt; &lt;run&gt;</c> does the same.
/// </summary>
/// <remarks>
/// Every change is a read, an edit and an atomic rewrite (a temporary file, then a rename) under a lock file, so two
/// dstack processes starting or ending runs at once both land and ssh never reads half a file. Entries name the host
/// by what the pool recorded: a host that is a <c>Host</c> alias of <c>~/.ssh/config</c> is looked up as a plain name
/// here, since ssh does not apply aliases to <c>HostName</c>.
/// </remarks>
public sealed partial class SshClientConfig
{
    /// <summary>The environment variable that, set to <c>0</c>, <c>false</c> or <c>no</c>, leaves <c>~/.ssh/config</c> alone.</summary>
    public const string IncludeVariable = "DSTACK_SSH_CONFIG_INCLUDE";

    private const string Header =
        "# Written by dstack: one Host entry per run on an SSH host and per dev environment, updated as runs start and end; edits here are lost.\n";

    private const string HostKeyword = "Host ";
    private const string Indent = "    ";
    private const int LockRetryMilliseconds = 25;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    /// <param name="home">dstack's folder; the file is <c>ssh/config</c> in it.</param>
    /// <param name="userHome">The user's home folder, whose <c>.ssh/config</c> gets the <c>Include</c> line.</param>
    /// <param name="includeInUserConfig">False when the user opted out of the <c>Include</c> line.</param>
    public SshClientConfig(DstackHome home, string userHome, bool includeInUserConfig = true)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentException.ThrowIfNullOrEmpty(userHome);
        Home = home;
        UserHome = System.IO.Path.GetFullPath(userHome);
        IncludesInUserConfig = includeInUserConfig;
    }

    public DstackHome Home { get; }

    /// <summary>The file: <c>$DSTACK_HOME/ssh/config</c>, absolute.</summary>
    public string Path => System.IO.Path.GetFullPath(System.IO.Path.Combine(Home.SshFolder, "config"));

    /// <summary>The user's home folder ($HOME).</summary>
    public string UserHome { get; }

    /// <summary>The user's OpenSSH config, <c>~/.ssh/config</c>.</summary>
    public string UserConfigPath => System.IO.Path.Combine(UserHome, ".ssh", "config");

    /// <summary>False when <see cref="IncludeVariable"/> opts out of the <c>Include</c> line in <c>~/.ssh/config</c>.</summary>
    public bool IncludesInUserConfig { get; }

    private string LockPath => System.IO.Path.Combine(Home.SshFolder, "config.lock");

    /// <summary>The config of <paramref name="home"/> for the user of <c>$HOME</c>, honouring <see cref="IncludeVariable"/>.</summary>
    public static SshClientConfig FromEnvironment(DstackHome home, IReadOnlyDictionary<string, string>? environment = null)
    {
        string? Variable(string name) => environment is null ? Environment.GetEnvironmentVariable(name) : environment.GetValueOrDefault(name);
        var userHome = Variable("HOME") is { Length: > 0 } set ? set : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var optOut = Variable(IncludeVariable)?.Trim().ToUpperInvariant() is "0" or "FALSE" or "NO" or "OFF";
        return new SshClientConfig(home, userHome, includeInUserConfig: !optOut);
    }

    /// <summary>
    /// The command that logs in to <paramref name="runName"/>'s host: <c>ssh &lt;run&gt;</c>, or
    /// <c>ssh -F $DSTACK_HOME/ssh/config &lt;run&gt;</c> when the user opted out of the <c>Include</c> line.
    /// </summary>
    public string ConnectCommand(string runName) =>
        IncludesInUserConfig ? $"ssh {runName}" : $"ssh -F {ShellQuote(Path)} {runName}";

    /// <summary>Adds or replaces <paramref name="runName"/>'s entry; other runs' entries are kept as they are.</summary>
    /// <param name="runName">The run; becomes the <c>Host</c> name (letters, digits, '.', '-', '_').</param>
    /// <param name="host">The SSH host the run is on.</param>
    /// <param name="controlSocket">The run's tunnel socket (<see cref="SshTunnel.ControlSocket"/>) while it is open, else null.</param>
    /// <exception cref="ArgumentException"><paramref name="runName"/> cannot be a <c>Host</c> name.</exception>
    /// <exception cref="IOException">The file cannot be written, or another process holds its lock for too long.</exception>
    public void AddRun(string runName, SshHost host, string? controlSocket)
    {
        CheckRunName(runName);
        ArgumentNullException.ThrowIfNull(host);
        var entry = Entry(runName, host, controlSocket);
        Update(entries =>
        {
            entries[runName] = entry;
            return true;
        });
    }

    /// <summary>Removes <paramref name="runName"/>'s entry; returns false when there was none.</summary>
    /// <exception cref="IOException">The file cannot be written, or another process holds its lock for too long.</exception>
    public bool RemoveRun(string runName)
    {
        ArgumentException.ThrowIfNullOrEmpty(runName);
        return Update(entries => entries.Remove(runName));
    }

    /// <summary>
    /// Removes <paramref name="runName"/>'s entry only while it is still <paramref name="entry"/> (what the caller wrote,
    /// as <see cref="Entry"/> made it): an entry another process has written since (a dev environment's controller) is
    /// kept. Returns false when nothing was removed.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written, or another process holds its lock for too long.</exception>
    public bool RemoveRunIfUnchanged(string runName, string entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(runName);
        ArgumentNullException.ThrowIfNull(entry);
        return Update(entries => entries.TryGetValue(runName, out var current) && current == entry.TrimEnd('\n') + "\n" && entries.Remove(runName));
    }

    /// <summary>The runs that have an entry, in file order.</summary>
    public IReadOnlyList<string> RunNames() => [.. Parse(ReadOrEmpty(Path)).Keys];

    /// <summary>The entry of one run, as it is written in the file.</summary>
    public string Entry(string runName, SshHost host, string? controlSocket)
    {
        ArgumentNullException.ThrowIfNull(host);
        var entry = new StringBuilder().Append(HostKeyword).Append(runName).Append('\n');
        void Line(string keyword, string value) => entry.Append(Indent).Append(keyword).Append(' ').Append(value).Append('\n');
        Line("HostName", Value(host.Host, tokens: true));
        Line("User", Value(host.User, tokens: false));
        if (host.Port is { } port)
        {
            Line("Port", port.ToString(CultureInfo.InvariantCulture));
        }

        if (host.IdentityFile is { } identity)
        {
            var absolute = identity.StartsWith('~') ? identity : System.IO.Path.GetFullPath(identity);
            Line("IdentityFile", Value(absolute, tokens: true));
            Line("IdentitiesOnly", "yes");
        }

        if (host.ProxyJump is { } jump)
        {
            Line("ProxyJump", Value(jump, tokens: false));
        }

        if (host.Through is { } machine)
        {
            Line("ProxyCommand", ProxyCommand(machine));
        }

        Line("UserKnownHostsFile", Value(System.IO.Path.GetFullPath(host.KnownHosts(Home)), tokens: true));
        Line("StrictHostKeyChecking", "accept-new");
        Line("HashKnownHosts", "no");
        if (controlSocket is not null)
        {
            // "no", not "auto": ssh uses the tunnel's master while it is up, and while it is down connects on its own
            // instead of becoming a master on the tunnel's socket, which the next tunnel then could not take.
            Line("ControlMaster", "no");
            Line("ControlPath", Value(System.IO.Path.GetFullPath(controlSocket), tokens: true));
        }

        return entry.ToString();
    }

    /// <summary>
    /// The <c>ProxyCommand</c> that reaches a server listening on <paramref name="machine"/>'s loopback: ssh logs in to
    /// the machine as dstack does (the same options: its port, key, known_hosts, jump host; no shared connection, so
    /// nothing outlives the session) and connects its standard streams to <c>%h:%p</c> there (<c>-W</c>). ssh hands
    /// the rest of the line to the shell, so every word is shell-quoted, with <c>%</c> doubled.
    /// </summary>
    internal string ProxyCommand(SshHost machine)
    {
        var words = new SshCommand(Home, machine).Options(shareConnection: false)
            .Select(w => w.StartsWith("UserKnownHostsFile=", StringComparison.Ordinal) ? "UserKnownHostsFile=" + System.IO.Path.GetFullPath(w["UserKnownHostsFile=".Length..]) : w)
            .Select(w => w == machine.IdentityFile && !w.StartsWith('~') ? System.IO.Path.GetFullPath(w) : w);
        var command = "ssh " + string.Join(' ', words.Select(w => Runs.ShellQuote.Quote(w).Replace("%", "%%", StringComparison.Ordinal)))
            + " -W %h:%p -- " + Runs.ShellQuote.Quote(machine.Destination).Replace("%", "%%", StringComparison.Ordinal);
        return command;
    }

    private bool Update(Func<Dictionary<string, string>, bool> edit)
    {
        SshCommand.EnsureFolder(Home);
        using var held = Lock();
        var entries = Parse(ReadOrEmpty(Path));
        var changed = edit(entries);
        if (changed || !File.Exists(Path))
        {
            WriteAtomically(Path, Encoding.UTF8.GetBytes(Header + string.Concat(entries.Values.Select(e => "\n" + e))), PrivateFile);
        }

        return changed;
    }

    /// <summary>The entries by run name: each from its <c>Host</c> line to the next one; the header is rewritten.</summary>
    private static Dictionary<string, string> Parse(string text)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var lines = new StringBuilder();
        void Flush()
        {
            if (current is not null)
            {
                entries[current] = lines.ToString().TrimEnd('\n') + "\n";
            }

            lines.Clear();
        }

        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith(HostKeyword, StringComparison.Ordinal))
            {
                Flush();
                current = line[HostKeyword.Length..].Trim();
            }

            if (current is not null && (line.Length > 0 || lines.Length > 0))
            {
                lines.Append(line).Append('\n');
            }
        }

        Flush();
        return entries;
    }

    /// <summary>Holds the lock file exclusively (other processes' opens fail until it is closed); bounded retries.</summary>
    private FileStream Lock()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < LockTimeout)
            {
                Thread.Sleep(LockRetryMilliseconds + Random.Shared.Next(LockRetryMilliseconds));
            }
            catch (IOException e)
            {
                throw new IOException(
                    $"{Path} is being updated by another dstack process, which has held {LockPath} for over {LockTimeout.TotalSeconds:0} seconds; try again, or end that process",
                    e);
            }
        }
    }

    private static void CheckRunName(string runName)
    {
        ArgumentException.ThrowIfNullOrEmpty(runName);
        if (!SshHost.IsValidName(runName))
        {
            throw new ArgumentException(
                $"run name \"{runName}\" cannot be an ssh Host name: use letters, digits, '.', '-' and '_', starting with a letter or digit",
                nameof(runName));
        }
    }

    /// <summary>
    /// A value as ssh_config reads it: <c>%</c> doubled where ssh expands tokens, and double quotes around a value
    /// with spaces.
    /// </summary>
    private static string Value(string value, bool tokens)
    {
        var text = tokens ? value.Replace("%", "%%", StringComparison.Ordinal) : value;
        return text.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '#' or '\\')
            ? "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : text;
    }

    private static string ShellQuote(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '~' or '+' or ':' or '@' or ',')
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
