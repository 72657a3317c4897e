using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Configuration;

/// <summary>Loads YAML text as a configuration file and checks the diagnostics it produces.</summary>
internal static class DiagnosticAssert
{
    public static ConfigurationDocument Load(string yaml, string path = "test.dstack.yml") => ConfigurationLoader.LoadText(path, yaml);

    /// <summary>The file is valid: no errors (warnings allowed).</summary>
    public static ConfigurationDocument Valid(string yaml, string path = "test.dstack.yml")
    {
        var document = Load(yaml, path);
        Assert.True(document.IsValid, "expected no errors, got:\n" + string.Join("\n", document.Diagnostics));
        return document;
    }

    /// <summary>The file has no diagnostics at all.</summary>
    public static ConfigurationDocument Clean(string yaml, string path = "test.dstack.yml")
    {
        var document = Load(yaml, path);
        Assert.True(document.Diagnostics.Count == 0, "expected no diagnostics, got:\n" + string.Join("\n", document.Diagnostics));
        return document;
    }

    /// <summary>The one diagnostic with <paramref name="code"/>.</summary>
    public static Diagnostic Single(ConfigurationDocument document, string code)
    {
        var matches = document.Diagnostics.Where(d => d.Code == code).ToList();
        Assert.True(matches.Count == 1, $"expected one {code}, got:\n" + string.Join("\n", document.Diagnostics));
        return matches[0];
    }

    /// <summary>The file has exactly one error, with this code, severity error, at these columns of one line.</summary>
    public static Diagnostic Error(string yaml, string code, int line, int column, int endColumn, string path = "test.dstack.yml")
    {
        var document = Load(yaml, path);
        var errors = document.Diagnostics.Where(d => d.IsError).ToList();
        Assert.True(errors.Count == 1, $"expected one error {code}, got:\n" + string.Join("\n", document.Diagnostics));
        var error = errors[0];
        Assert.Equal(code, error.Code);
        At(error, line, column, line, endColumn);
        return error;
    }

    /// <summary>The file is valid and has exactly one warning, with this code, at these columns of one line.</summary>
    public static Diagnostic Warning(string yaml, string code, int line, int column, int endColumn, string path = "test.dstack.yml")
    {
        var document = Load(yaml, path);
        Assert.True(document.IsValid, "expected no errors, got:\n" + string.Join("\n", document.Diagnostics));
        var warning = Single(document, code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        At(warning, line, column, line, endColumn);
        return warning;
    }

    public static void At(Diagnostic diagnostic, int line, int column, int endLine, int endColumn) =>
        Assert.True(
            (diagnostic.Span.StartLine, diagnostic.Span.StartColumn, diagnostic.Span.EndLine, diagnostic.Span.EndColumn) == (line, column, endLine, endColumn),
            $"expected ({line},{column})-({endLine},{endColumn}), got {diagnostic.Span}: {diagnostic}");

    public static void Mentions(Diagnostic diagnostic, params string[] parts)
    {
        foreach (var part in parts)
        {
            Assert.Contains(part, diagnostic.Message, StringComparison.Ordinal);
        }
    }
}
