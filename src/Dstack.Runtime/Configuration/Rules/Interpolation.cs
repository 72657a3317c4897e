using System.Text;
using System.Text.RegularExpressions;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Configuration.Rules;

/// <summary>
/// dstack's <c>${{ namespace.name }}</c> references: <c>$$</c> escapes a dollar, names are <c>ns.name</c>,
/// unknown variables are errors, and the <c>secrets</c> namespace is left for the server.
/// </summary>
public static partial class Interpolation
{
    private const string Opening = "${{";
    private const string Closing = "}}";

    /// <summary>The problems in <paramref name="text"/>, given the variables each namespace offers.</summary>
    public static IReadOnlyList<ValueIssue> Check(string text, IReadOnlyDictionary<string, IReadOnlyCollection<string>> namespaces, string? hintForUnknown = null)
    {
        var issues = new List<ValueIssue>();
        Walk(text, namespaces, hintForUnknown, issues, output: null, values: null);
        return issues;
    }

    /// <summary>Replaces references with <paramref name="values"/> (<c>"run.args"</c> → text) and <c>$$</c> with <c>$</c>.</summary>
    /// <exception cref="ValueException">A reference is malformed or names a missing variable.</exception>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> values)
    {
        var namespaces = values.Keys.GroupBy(k => k.Split('.')[0]).ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)[.. g.Select(k => k.Split('.', 2)[1])]);
        var issues = new List<ValueIssue>();
        var output = new StringBuilder(text.Length);
        Walk(text, namespaces, null, issues, output, values);
        return issues.Count > 0 ? throw new ValueException(issues[0]) : output.ToString();
    }

    private static void Walk(
        string text,
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> namespaces,
        string? hintForUnknown,
        List<ValueIssue> issues,
        StringBuilder? output,
        IReadOnlyDictionary<string, string>? values)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$')
            {
                output?.Append(text[i]);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '$')
            {
                output?.Append('$');
                i += 2;
                continue;
            }

            if (string.CompareOrdinal(text, i, Opening, 0, Opening.Length) != 0)
            {
                output?.Append('$');
                i++;
                continue;
            }

            var end = text.IndexOf(Closing, i + Opening.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                issues.Add(Error(DiagnosticCodes.InvalidInterpolation, $"No pattern closing: {text[i..]}; close the reference with `}}}}`", i, text.Length - i));
                return;
            }

            var inner = text[(i + Opening.Length)..end];
            var name = inner.Trim();
            var length = end + Closing.Length - i;
            if (!NamePattern().IsMatch(name))
            {
                issues.Add(Error(DiagnosticCodes.InvalidInterpolation, $"Illegal reference name: {name}; a reference is `${{{{ namespace.name }}}}`, such as `${{{{ run.args }}}}`", i, length));
            }
            else
            {
                var parts = name.Split('.', 2);
                if (parts[0] == "secrets")
                {
                    output?.Append(text, i, length);
                }
                else if (namespaces.TryGetValue(parts[0], out var names) && names.Contains(parts[1]))
                {
                    output?.Append(values![name]);
                }
                else
                {
                    var known = namespaces.SelectMany(n => n.Value.Select(v => $"{n.Key}.{v}")).ToList();
                    var guess = DidYouMean.Find(name, known);
                    var hint = guess is not null ? $"did you mean `{guess}`?" : hintForUnknown ?? (known.Count > 0 ? $"available here: {string.Join(", ", known)}" : "no references are available here");
                    issues.Add(Error(DiagnosticCodes.UnknownReference, $"Failed to interpolate due to missing vars: ['{name}']; {hint}", i, length));
                }
            }

            i = end + Closing.Length;
        }
    }

    private static ValueIssue Error(string code, string message, int offset, int length) => new(code, DiagnosticSeverity.Error, message, offset, length);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
