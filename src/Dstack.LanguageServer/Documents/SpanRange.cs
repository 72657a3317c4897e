using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Documents;

/// <summary>The LSP range of a runtime span: the runtime's 1-based lines and columns count UTF-16 code units, so each is one less.</summary>
public static class SpanRange
{
    public static TextRange Of(SourceSpan span) => new(
        new Position(Math.Max(0, span.StartLine - 1), Math.Max(0, span.StartColumn - 1)),
        new Position(Math.Max(0, span.EndLine - 1), Math.Max(0, span.EndColumn - 1)));
}
