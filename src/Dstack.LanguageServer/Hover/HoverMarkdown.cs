using System.Text;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Hover;

/// <summary>
/// The hover text of a property, in markdown: its place and type, deprecation, description, what the value under
/// the cursor means (or why it is invalid), the default and an example.
/// </summary>
public static class HoverMarkdown
{
    /// <summary>At most this many problems are listed; the rest are in the Problems panel.</summary>
    private const int MaxProblems = 3;

    public static string Of(HoverSubject subject)
    {
        var property = subject.Property;
        var text = new StringBuilder();
        text.Append("**").Append(subject.DottedPath).Append("**: ").Append(TypeWords.Of(property));
        if (property.DeprecatedAdvice is { } advice)
        {
            text.Append("\n\n**Deprecated:** ").Append(advice);
        }

        if (property.Description.Length > 0)
        {
            text.Append("\n\n").Append(property.Description);
        }

        AppendValue(text, subject);
        if (property.DefaultText is { } fallback)
        {
            text.Append("\n\n**Default:** `").Append(fallback).Append('`');
        }

        if (property.Example is { } example)
        {
            text.Append("\n\n**Example:**\n```yaml\n").Append(example).Append("\n```");
        }

        return text.ToString();
    }

    private static void AppendValue(StringBuilder text, HoverSubject subject)
    {
        if (subject.Value is not { } node)
        {
            return;
        }

        var read = ValueReader.Read(subject.OwnerType, subject.Property, node, subject.AsItem, OwnerPath(subject.DottedPath));
        // The binder's problems with the value alone decide whether it is invalid; the document's other problems
        // inside it (rules over several properties, such as a missing `commands` reported at `type`) are listed after its meaning.
        if (read.HasErrors)
        {
            foreach (var error in read.Problems.Where(p => p.IsError).DistinctBy(p => p.Message).Take(MaxProblems))
            {
                text.Append("\n\n**Invalid:** ").Append(error.Message);
            }

            return;
        }

        var problems = read.Problems.Concat(subject.KnownProblems ?? []).DistinctBy(p => p.Message).ToList();

        if (ValueWords.Describe(subject.Property, read.Value, node) is { } meaning)
        {
            text.Append("\n\n**Value:** ").Append(meaning);
        }

        if (GpuName(subject, node) is { } name && ResourceWords.Facts(name) is { } facts)
        {
            text.Append("\n\n").Append(facts);
        }

        foreach (var problem in problems.Take(MaxProblems))
        {
            text.Append(problem.IsError ? "\n\n**Problem:** " : "\n\n**Warning:** ").Append(problem.Message);
        }
    }

    /// <summary>The GPU name under the cursor: a name token of a GPU string, or a value of a GPU's <c>name</c>.</summary>
    private static string? GpuName(HoverSubject subject, YamlNode node)
    {
        if (node is not YamlScalar { Kind: ScalarKind.String } scalar)
        {
            return null;
        }

        if (subject.Property.Property.DeclaringType == typeof(GpuSpec) && subject.Property.YamlName == "name")
        {
            return scalar.Value;
        }

        if (subject.Property.ValueType != typeof(GpuSpec) || scalar.Span.StartLine != scalar.Span.EndLine)
        {
            return null;
        }

        // The token under the cursor, when the scalar is written on one line as it reads (plain or simply quoted).
        var located = scalar.SpanOf(0, scalar.Value.Length);
        var at = subject.Offset - located.Start;
        if ((located == scalar.Span && scalar.Quote != '\0') || at < 0 || at > scalar.Value.Length)
        {
            return null;
        }

        var start = at;
        while (start > 0 && scalar.Value[start - 1] is not (':' or ','))
        {
            start--;
        }

        var end = at;
        while (end < scalar.Value.Length && scalar.Value[end] is not (':' or ','))
        {
            end++;
        }

        var token = scalar.Value[start..end].Trim();
        return token.Length > 0 && char.IsLetter(token[0]) && !GpuSpecParser.TryVendor(token, out _) ? token : null;
    }

    private static string OwnerPath(string dottedPath)
    {
        var dot = dottedPath.LastIndexOf('.');
        return dot < 0 ? string.Empty : dottedPath[..dot];
    }
}
