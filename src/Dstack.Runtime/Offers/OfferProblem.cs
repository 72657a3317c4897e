using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Offers;

/// <summary>
/// Why a backend cannot run a configuration (or what to know when it does), in full words, as a plan shows it.
/// </summary>
/// <param name="Code">The diagnostic code (<see cref="DiagnosticCodes"/>).</param>
/// <param name="Severity">Error when the backend cannot run it; warning or info when it can.</param>
/// <param name="Message">The problem, the rule and the fix.</param>
/// <param name="Property">The configuration property it points at (<c>resources</c>, <c>image</c>); null for a command-line or whole-run problem.</param>
public sealed record OfferProblem(string Code, DiagnosticSeverity Severity, string Message, string? Property = null)
{
    public static OfferProblem Error(string code, string message, string? property = null) => new(code, DiagnosticSeverity.Error, message, property);

    public bool IsError => Severity == DiagnosticSeverity.Error;
}
