namespace Dstack.LanguageServer.Protocol;

/// <summary>The answer of <c>dstack.validate</c>: what <c>dstack validate</c> says about one file.</summary>
/// <param name="Uri">The document checked.</param>
/// <param name="Valid">True when nothing is an error.</param>
/// <param name="Errors">How many errors.</param>
/// <param name="Warnings">How many warnings.</param>
/// <param name="Diagnostics">Each problem in the canonical text form, <c>path(line,col): error DSTK2003: message</c>.</param>
public sealed record ValidateResult(string Uri, bool Valid, int Errors, int Warnings, IReadOnlyList<string> Diagnostics);
