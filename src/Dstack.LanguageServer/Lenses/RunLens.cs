using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Lenses;

/// <summary>One lens over a run configuration, before it becomes an LSP <c>CodeLens</c> (which adds the document's uri as the argument).</summary>
/// <param name="Span">The <c>type:</c> line's key and value.</param>
/// <param name="Title">What the editor shows: <c>▶ Run</c>, <c>✓ Validate</c>, or the offers summary.</param>
/// <param name="Command">The command a click runs, one of <see cref="Commands.DstackCommands"/>.</param>
public sealed record RunLens(SourceSpan Span, string Title, string Command);
