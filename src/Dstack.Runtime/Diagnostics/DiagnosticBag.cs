namespace Dstack.Runtime.Diagnostics;

/// <summary>Collects the diagnostics of one file while it is read and checked.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public DiagnosticBag(string? path) => Path = path;

    public string? Path { get; }

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors { get; private set; }

    public void Error(string code, SourceSpan span, string message, Suggestion? suggestion = null) => Add(code, DiagnosticSeverity.Error, span, message, suggestion);

    public void Warning(string code, SourceSpan span, string message, Suggestion? suggestion = null) => Add(code, DiagnosticSeverity.Warning, span, message, suggestion);

    public void Add(string code, DiagnosticSeverity severity, SourceSpan span, string message, Suggestion? suggestion = null)
    {
        _items.Add(new Diagnostic(code, severity, message, span, Path) { Suggestion = suggestion });
        HasErrors |= severity == DiagnosticSeverity.Error;
    }

    /// <summary>The diagnostics in file order (line, then column), errors before warnings at one place.</summary>
    public IReadOnlyList<Diagnostic> ToSortedList() =>
        [.. _items.OrderBy(d => d.Span.Start).ThenBy(d => d.Severity)];
}
