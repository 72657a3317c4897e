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
    public static string Build(IReadOnlyList<string> commands, IReadOnlyList<string> runArgs)
    {
        var values = new Dictionary<string, string> { ["run.args"] = ShellQuote.Join(runArgs) };
        var parts = new List<string>(commands.Count);
        foreach (var command in commands)
        {
            var text = Interpolation.Substitute(command, values).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            parts.Add(text.EndsWith('&') && !text.EndsWith("&&", StringComparison.Ordinal) ? $"{{ {text} }}" : text);
        }

        return string.Join(" && ", parts);
    }
}
