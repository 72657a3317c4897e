using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Python;

/// <summary>What <see cref="PythonInterpreter.Find"/> found.</summary>
/// <param name="Executable">The matching interpreter's full path as found on PATH (links not resolved, so a virtual
/// environment's <c>python</c> keeps its packages); null when none matches.</param>
/// <param name="Version">The matching interpreter's version, such as <c>3.11.2</c>; empty when none matches.</param>
/// <param name="Found">Every interpreter examined, in the order seen, one entry per distinct program.</param>
public sealed record PythonLookup(string? Executable, string Version, IReadOnlyList<(string Path, string Version)> Found)
{
    /// <summary>True when an interpreter of the requested version was found.</summary>
    public bool IsFound => Executable is not null;

    /// <summary>Says that no interpreter matches, what the machine has instead, and the three ways out.</summary>
    public string ErrorMessage(string requested)
    {
        var found = Found.Count == 0
            ? $"no python{requested}, python3 or python on PATH"
            : "found: " + string.Join(", ", Found.Select(f => $"Python {f.Version} at {f.Path}"));
        var alternatives = Found.Select(f => PythonInterpreter.MajorMinor(f.Version)).Distinct(StringComparer.Ordinal).Select(v => $"\"{v}\"").ToList();
        var change = alternatives.Count == 0 ? string.Empty : $", change python: to {string.Join(" or ", alternatives)},";
        return $"python: \"{requested}\" was requested, but this machine has no Python {requested} ({found}). " +
            $"Install Python {requested}{change} or remove python: to use the machine's default";
    }

    /// <summary>The <see cref="DiagnosticCodes.NoMatchingPython"/> error with <see cref="ErrorMessage"/>, at <paramref name="span"/> (the <c>python</c> value).</summary>
    public Diagnostic ToDiagnostic(string requested, string configurationPath, SourceSpan span) =>
        new(DiagnosticCodes.NoMatchingPython, DiagnosticSeverity.Error, ErrorMessage(requested), span, configurationPath);
}
