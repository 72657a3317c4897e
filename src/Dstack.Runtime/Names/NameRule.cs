using System.Text.RegularExpressions;

namespace Dstack.Runtime.Names;

/// <summary>
/// The one check for names that become paths, ssh <c>Host</c> entries and command-line words. Every entry point uses it:
/// <c>dstack run -n</c>, DstackRunName, the configuration's <c>name:</c> (<see cref="Run"/>), <c>dstack pool add-ssh --name</c>
/// and config.yml's hosts (<see cref="PoolHost"/>), pipelines' workflow names (<see cref="Workflow"/>) and tags (<see cref="Tag"/>). A name that passes any
/// rule is one plain path segment: never empty, <c>.</c> or <c>..</c>, never absolute, without separators or spaces.
/// </summary>
public sealed partial class NameRule
{
    private NameRule(string subject, Regex pattern, string words, string example, Func<string, string> nearest, int maxLength)
    {
        Subject = subject;
        Pattern = pattern;
        Words = words;
        Example = example;
        Nearest = nearest;
        MaxLength = maxLength;
    }

    /// <summary>dstack's rule for run names (and every resource name), checked by its server since 0.18.7.</summary>
    public static NameRule Run { get; } = new(
        "run name", RunPattern(), "lower-case letters, digits and '-', starting with a letter, 2 to 41 characters", "my-run",
        name => RunOutsiders().Replace(name.ToLowerInvariant(), "-"), 41);

    /// <summary>The pool's names for SSH hosts: also ssh <c>Host</c> aliases and part of a file name under $DSTACK_HOME/ssh.</summary>
    public static NameRule PoolHost { get; } = new(
        "host name for the pool", HostPattern(), "letters, digits, '.', '-' and '_', starting with a letter or digit, up to 64 characters", "gpu-box-1",
        name => HostOutsiders().Replace(name, "-"), 64);

    /// <summary>The names of legacy pipelines' workflows (<c>dstack run NAME</c>); dstack 0.x had no stricter rule.</summary>
    public static NameRule Workflow { get; } = new(
        "workflow name", HostPattern(), "letters, digits, '.', '-' and '_', starting with a letter or digit, up to 64 characters", "train",
        name => HostOutsiders().Replace(name, "-"), 64);

    /// <summary>The names of tags (<c>dstack tags add TAG RUN</c>, <c>deps: [{tag}]</c>): the workflows' rule.</summary>
    public static NameRule Tag { get; } = new(
        "tag name", HostPattern(), "letters, digits, '.', '-' and '_', starting with a letter or digit, up to 64 characters", "mnist-v1",
        name => HostOutsiders().Replace(name, "-"), 64);

    /// <summary>What is named, in words: <c>run name</c>.</summary>
    public string Subject { get; }

    /// <summary>The rule in words, for messages.</summary>
    public string Words { get; }

    /// <summary>The regular expression, as messages show it: <c>^[a-z][a-z0-9-]{1,40}$</c>.</summary>
    public string Regex => Pattern.ToString();

    private Regex Pattern { get; }

    private string Example { get; }

    /// <summary>The name with what the rule refuses replaced by '-'.</summary>
    private Func<string, string> Nearest { get; }

    private int MaxLength { get; }

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    /// <remarks>A regular expression's <c>$</c> also matches before a final line break, which no name may hold.</remarks>
    public bool Accepts(string? name) => name is not null && !name.EndsWith('\n') && Pattern.IsMatch(name);

    /// <summary>The nearest name that follows the rule (<c>Bad Name</c> → <c>bad-name</c>), or null when there is none.</summary>
    public string? Suggest(string name)
    {
        var trimmed = Nearest(name).Trim('-', '.', '_');
        var shortened = trimmed[..Math.Min(trimmed.Length, MaxLength)].TrimEnd('-', '.', '_');
        return Accepts(shortened) ? shortened : null;
    }

    /// <summary>
    /// The problem with a name, naming the value, the rule and the fix, or null when the name is fine:
    /// <c>`Bad Name` is not a valid run name: it must match '^[a-z][a-z0-9-]{1,40}$' (lower-case letters, ...); try `bad-name`</c>.
    /// </summary>
    public string? Problem(string? name)
    {
        if (Accepts(name))
        {
            return null;
        }

        return $"`{name}` is not a valid {Subject}: it must match '{Regex}' ({Words}); {Fix(name ?? string.Empty)}";
    }

    /// <summary>How to fix a refused name: <c>try `bad-name`</c>, or an example when nothing near it follows the rule.</summary>
    public string Fix(string name) => Suggest(name) is { } suggestion ? $"try `{suggestion}`" : $"choose one such as `{Example}`";

    [GeneratedRegex("^[a-z][a-z0-9-]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex("[^a-z0-9-]+", RegexOptions.CultureInvariant)]
    private static partial Regex RunOutsiders();

    [GeneratedRegex("[^A-Za-z0-9._-]+", RegexOptions.CultureInvariant)]
    private static partial Regex HostOutsiders();
}
