using System.Text.Json;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Tests.Handlers;

/// <summary>One diagnostic reduced to what a client sees, so that published ones compare with the validator's.</summary>
public sealed record ExpectedDiagnostic(string Code, int Severity, string Message, int StartLine, int StartCharacter, int EndLine, int EndCharacter)
{
    /// <summary>What <c>dstack validate</c> finds in <paramref name="text"/> at <paramref name="path"/>, in LSP's 0-based terms.</summary>
    public static IReadOnlyList<ExpectedDiagnostic> FromValidator(string path, string text) =>
        [.. ConfigurationLoader.LoadText(path, text).Diagnostics.Select(d => new ExpectedDiagnostic(
            d.Code,
            d.Severity switch { DiagnosticSeverity.Error => 1, DiagnosticSeverity.Warning => 2, _ => 3 },
            d.Message,
            d.Span.StartLine - 1,
            d.Span.StartColumn - 1,
            d.Span.EndLine - 1,
            d.Span.EndColumn - 1))];

    /// <summary>The diagnostics of a <c>publishDiagnostics</c> params or of a pull report's items.</summary>
    public static IReadOnlyList<ExpectedDiagnostic> FromLsp(JsonElement diagnostics) =>
        [.. diagnostics.EnumerateArray().Select(d =>
        {
            Assert.Equal("dstack", d.GetProperty("source").GetString());
            var range = d.GetProperty("range");
            return new ExpectedDiagnostic(
                d.GetProperty("code").GetString()!,
                d.GetProperty("severity").GetInt32(),
                d.GetProperty("message").GetString()!,
                range.GetProperty("start").GetProperty("line").GetInt32(),
                range.GetProperty("start").GetProperty("character").GetInt32(),
                range.GetProperty("end").GetProperty("line").GetInt32(),
                range.GetProperty("end").GetProperty("character").GetInt32());
        })];

    /// <summary>
    /// The text an editor underlines for this range: lines split at \n (these tests use no other break), characters
    /// counted as UTF-16 code units, which is what LSP positions count and what a .NET string index is.
    /// </summary>
    public string CoveredText(string text)
    {
        var lines = text.Split('\n');
        var start = lines.Take(StartLine).Sum(l => l.Length + 1) + StartCharacter;
        var end = lines.Take(EndLine).Sum(l => l.Length + 1) + EndCharacter;
        return text[start..end];
    }
}
