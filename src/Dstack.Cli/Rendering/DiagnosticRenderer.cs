using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Validation;
using Spectre.Console;

namespace Dstack.Cli.Rendering;

/// <summary>
/// Prints diagnostics for people: the canonical line, then (in a terminal) the source line with the problem
/// underlined, then a summary. Without colour the output is plain text that tools can also read.
/// </summary>
public sealed class DiagnosticRenderer(TextWriter output, bool color)
{
    private readonly IAnsiConsole? _console = color
        ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.Detect })
        : null;

    public void Render(ValidationReport report)
    {
        foreach (var problem in report.PathProblems)
        {
            Line(problem, null);
        }

        foreach (var document in report.Documents)
        {
            var lines = document.Text?.Split('\n');
            foreach (var diagnostic in document.Diagnostics)
            {
                Line(diagnostic, lines);
            }
        }

        var files = report.Documents.Count;
        var summary = $"{Count(files, "file")} checked: {Count(report.ErrorCount, "error")}, {Count(report.WarningCount, "warning")}";
        if (_console is null)
        {
            output.WriteLine(summary);
        }
        else
        {
            var style = report.ErrorCount > 0 ? "red" : report.WarningCount > 0 ? "yellow" : "green";
            var mark = report.ErrorCount > 0 ? "✗" : "✓";
            _console.MarkupLine($"[{style}]{mark} {Markup.Escape(summary)}[/]");
        }
    }

    /// <summary>Prints the problems of one file (or of the command line), with the source lines underlined in a terminal.</summary>
    public void Render(IReadOnlyList<Diagnostic> diagnostics, string? text)
    {
        var lines = text?.Split('\n');
        foreach (var diagnostic in diagnostics)
        {
            Line(diagnostic, diagnostic.Path is null ? null : lines);
        }
    }

    private void Line(Diagnostic diagnostic, string[]? lines)
    {
        if (_console is null)
        {
            output.WriteLine(diagnostic.ToString());
            return;
        }

        var (style, word) = diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => ("red bold", "error"),
            DiagnosticSeverity.Warning => ("yellow bold", "warning"),
            _ => ("blue", "info"),
        };
        var location = diagnostic.Path is null ? "dstack" : $"{diagnostic.Path}({diagnostic.Span.StartLine},{diagnostic.Span.StartColumn})";
        _console.MarkupLine($"[bold]{Markup.Escape(location)}[/]: [{style}]{word} {diagnostic.Code}[/]: {Markup.Escape(diagnostic.Message)}");
        if (lines is null || diagnostic.Span.StartLine < 1 || diagnostic.Span.StartLine > lines.Length)
        {
            return;
        }

        var source = lines[diagnostic.Span.StartLine - 1].TrimEnd('\r');
        var gutter = diagnostic.Span.StartLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = Math.Clamp(diagnostic.Span.StartColumn - 1, 0, source.Length);
        var end = diagnostic.Span.EndLine == diagnostic.Span.StartLine ? Math.Clamp(diagnostic.Span.EndColumn - 1, start, source.Length) : source.Length;
        var marker = new string(' ', start) + new string('^', Math.Max(1, end - start));
        _console.MarkupLine($"[grey]{gutter} |[/] {Markup.Escape(source)}");
        _console.MarkupLine($"[grey]{new string(' ', gutter.Length)} |[/] [{style}]{marker}[/]");
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? string.Empty : "s")}";
}
