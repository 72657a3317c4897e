using Dstack.Runtime.Configuration.Rules;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The shell script a job runs, from its commands as dstack 0.18's runner builds it (reference §9): each command
/// trimmed, one ending in <c>&amp;</c> wrapped as <c>{ cmd }</c>, all joined with <c> &amp;&amp; </c>. References are
/// substituted first: <c>${{ run.args }}</c> with the run arguments, each kept whole by shell quoting (dstack
/// joins them with spaces, which splits <c>--prompt "Dogs in hats"</c>), and <c>$$</c> with <c>$</c>.
/// </summary>
public static class JobScript
{
    /// <summary>Builds the script; throws <see cref="Resources.ValueException"/> for a malformed reference (validation reports those first).</summary>
    public static string Build(IReadOnlyList<string> commands, IReadOnlyList<string> runArgs) => Build(commands, runArgs, []);

    /// <summary>
    /// Builds the script from <paramref name="commands"/>, whose references are substituted, then <paramref name="verbatim"/>,
    /// which run as written (a dev environment's <c>init</c>: dstack substitutes nothing there, not even <c>$$</c>).
    /// </summary>
    public static string Build(IReadOnlyList<string> commands, IReadOnlyList<string> runArgs, IReadOnlyList<string> verbatim)
    {
        var values = new Dictionary<string, string> { ["run.args"] = ShellQuote.Join(runArgs) };
        var parts = new List<string>(commands.Count + verbatim.Count);
        foreach (var (command, substitute) in commands.Select(c => (c, true)).Concat(verbatim.Select(c => (c, false))))
        {
            var text = (substitute ? Interpolation.Substitute(command, values) : command).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            parts.Add(text.EndsWith('&') && !text.EndsWith("&&", StringComparison.Ordinal) ? $"{{ {text} }}" : text);
        }

        return string.Join(" && ", parts);
    }
}
